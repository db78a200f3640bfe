package org.connectorconsole.mcp;

/**
 * The two ways the console opens an MCP conversation. {@link #DISCOVER} is revision 2026-07-28: no handshake and no
 * session, {@code server/discover} first, protocol version and client information in every request's
 * {@code _meta}. {@link #INITIALIZE} is the {@code initialize} handshake of 2025-11-25 and the revisions before it
 * (the server may settle on an earlier one), with a session; the legacy HTTP+SSE transport only speaks this one.
 */
public enum ProtocolRevision {
    DISCOVER,
    INITIALIZE;

    /** The revision whose wire has no initialize handshake. */
    public static final String MODERN = "2026-07-28";
    /** The newest revision spoken through the initialize handshake. */
    public static final String HANDSHAKE = "2025-11-25";

    /** Which way a negotiated protocol version was reached. */
    public static ProtocolRevision of(String protocolVersion) {
        return MODERN.equals(protocolVersion) ? DISCOVER : INITIALIZE;
    }

    ProtocolRevision other() {
        return this == DISCOVER ? INITIALIZE : DISCOVER;
    }

    /** As the connection doctor shows it: "2026-07-28", or "2025-11-25 (initialize handshake)". */
    public static String label(String protocolVersion) {
        if (protocolVersion == null || protocolVersion.isBlank()) {
            return "unknown";
        }
        return of(protocolVersion) == DISCOVER ? protocolVersion : protocolVersion + " (initialize handshake)";
    }
}
