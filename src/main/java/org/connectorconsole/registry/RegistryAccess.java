package org.connectorconsole.registry;

/** Who may read the organization's private registry. */
public enum RegistryAccess {
    /** Nobody: the registry's addresses answer 404 (the default). */
    OFF("Off"),
    /** Anyone who knows the address. */
    PUBLIC("Public: anyone with the address"),
    /** Readers that send the registry's bearer token. */
    TOKEN("With a token");

    private final String label;

    RegistryAccess(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
