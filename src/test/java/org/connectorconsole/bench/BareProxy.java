package org.connectorconsole.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
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
    private final List<McpSyncClient> upstream = new ArrayList<>();
    private final LinkedBlockingQueue<McpSyncClient> idle = new LinkedBlockingQueue<>();

    BareProxy(String upstreamBase, String upstreamPath, String tool, int sessions) {
        for (int i = 0; i < sessions; i++) {
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(upstreamBase)
                    .endpoint(upstreamPath).openConnectionOnStartup(false).build())
                    .requestTimeout(Duration.ofSeconds(120))
                    .clientInfo(new McpSchema.Implementation("bare-proxy", "1")).build();
            client.initialize();
            upstream.add(client);
            idle.add(client);
        }
        McpSchema.Tool offered = McpSchema.Tool.builder(tool).description("Forwarded to the upstream server")
                .inputSchema(java.util.Map.of("type", "object")).build();
        SyncToolSpecification forward = new SyncToolSpecification(offered, (exchange, request) -> {
            McpSyncClient client;
            try {
                client = idle.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                return client.callTool(new McpSchema.CallToolRequest(tool, request.arguments()));
            } finally {
                idle.add(client);
            }
        });
        this.server = new TestMcpServer().streamable(PATH, "bare-proxy", forward);
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        upstream.forEach(McpSyncClient::closeGracefully);
        server.close();
    }
}
