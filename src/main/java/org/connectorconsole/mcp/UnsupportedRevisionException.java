package org.connectorconsole.mcp;

import java.util.List;

/**
 * The server answers MCP requests, but speaks no revision the console speaks: it refused both
 * {@code server/discover} (2026-07-28) and the {@code initialize} handshake (2025-11-25 and earlier).
 */
public class UnsupportedRevisionException extends McpProbeException {

    private final List<String> serverVersions;

    UnsupportedRevisionException(String message, List<String> serverVersions, Throwable cause) {
        super(message, cause);
        this.serverVersions = List.copyOf(serverVersions);
    }

    /** The versions the server said it speaks (may be empty when it named none). */
    public List<String> serverVersions() {
        return serverVersions;
    }

    static UnsupportedRevisionException of(NotSpoken modern, NotSpoken handshake) {
        java.util.LinkedHashSet<String> named = new java.util.LinkedHashSet<>(modern.supported());
        named.addAll(handshake.supported());
        List<String> versions = List.copyOf(named);
        String speaks = versions.isEmpty() ? "The server speaks no MCP revision the console knows"
                : "The server speaks MCP " + String.join(", ", versions) + " only";
        return new UnsupportedRevisionException(speaks + "; the console speaks " + ProtocolRevision.MODERN + " and "
                + ProtocolRevision.HANDSHAKE + " (and the revisions before it through the initialize handshake). "
                + "Seen: " + modern.seen() + "; " + handshake.seen() + ".", versions, handshake);
    }
}
