package org.connectorconsole.bench;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import org.connectorconsole.support.TestMcpServer;

/**
 * The floor for the gateway benchmark: an MCP server made with the same MCP Java SDK server and Streamable HTTP
 * servlet transport as the gateway (an embedded Tomcat in this JVM, 127.0.0.1, port 0), with no Spring Security, no
 * database and no rule, that forwards {@code tools/call} of its one tool to the upstream server over kept SDK client
 * sessions (one per concurrent caller, borrowed for each call, as the gateway keeps one per member and connector).
 * What it costs beyond the direct call is what one hop through this SDK costs, whatever a gateway does besides.
 */
final class BareProxy implements AutoCloseable {

    static final String PATH = "/mcp";

    private final TestMcpServer server;
    private final UpstreamSessions upstream;

    BareProxy(String upstreamBase, String upstreamPath, String tool, int sessions) {
        this.upstream = new UpstreamSessions(upstreamBase, upstreamPath, tool, sessions, "bare-proxy");
        McpSchema.Tool offered = McpSchema.Tool.builder(tool).description("Forwarded to the upstream server")
                .inputSchema(java.util.Map.of("type", "object")).build();
        SyncToolSpecification forward = new SyncToolSpecification(offered,
                (exchange, request) -> upstream.forward(request));
        this.server = new TestMcpServer().streamable(PATH, "bare-proxy", forward);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        upstream.close();
        server.close();
    }
}
