package org.connectorconsole.mcp;

import java.util.List;

/**
 * What an MCP session showed: who the server is and its tools ({@code truncated} when bounds cut the list), and the
 * icon sources of its {@code serverInfo} (unchecked).
 */
public record ProbeResult(String serverName, String serverVersion, String protocolVersion, List<ToolInfo> tools,
        boolean truncated, List<String> serverIcons) {

    public ProbeResult {
        serverIcons = serverIcons == null ? List.of() : List.copyOf(serverIcons);
    }

    public ProbeResult(String serverName, String serverVersion, String protocolVersion, List<ToolInfo> tools,
            boolean truncated) {
        this(serverName, serverVersion, protocolVersion, tools, truncated, List.of());
    }

    /** The revision as the connection doctor shows it: "2026-07-28", or "2025-11-25 (initialize handshake)". */
    public String revisionLabel() {
        return ProtocolRevision.label(protocolVersion);
    }
}
