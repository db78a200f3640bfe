package org.connectorconsole.registry;

/** The private registry as its owner sees it: access, whether a token is set, its address, and the version. */
public record RegistrySettings(RegistryAccess access, boolean tokenSet, String address, int version) {
}
