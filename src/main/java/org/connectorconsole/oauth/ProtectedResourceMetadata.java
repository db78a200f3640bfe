package org.connectorconsole.oauth;

import java.net.URI;
import java.util.List;

/** RFC 9728 metadata of an MCP server, as fetched from {@code source}. */
public record ProtectedResourceMetadata(URI source, String resource, List<String> authorizationServers,
        List<String> scopesSupported) {
}
