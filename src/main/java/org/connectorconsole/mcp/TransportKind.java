package org.connectorconsole.mcp;

/** How the console talks to an MCP server. */
public enum TransportKind {
    STREAMABLE_HTTP("Streamable HTTP"),
    SSE("HTTP+SSE (legacy)");

    private final String label;

    TransportKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
