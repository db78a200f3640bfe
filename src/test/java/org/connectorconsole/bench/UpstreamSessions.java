package org.connectorconsole.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Kept MCP Java SDK client sessions to the upstream server, one per concurrent caller, each borrowed for one call
 * (as the gateway keeps one per member and connector): how the benchmark's bare proxy and governed floor forward
 * {@code tools/call}.
 */
final class UpstreamSessions implements AutoCloseable {

    private final String tool;
    private final List<McpSyncClient> all = new ArrayList<>();
    private final LinkedBlockingQueue<McpSyncClient> idle = new LinkedBlockingQueue<>();

    UpstreamSessions(String upstreamBase, String upstreamPath, String tool, int sessions, String clientName) {
        this.tool = tool;
        for (int i = 0; i < sessions; i++) {
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(upstreamBase)
                    .endpoint(upstreamPath).openConnectionOnStartup(false).build())
                    .requestTimeout(Duration.ofSeconds(120))
                    .clientInfo(new McpSchema.Implementation(clientName, "1")).build();
            client.initialize();
            all.add(client);
            idle.add(client);
        }
    }

    /** Calls the upstream tool with these arguments on a session no other call is using. */
    McpSchema.CallToolResult forward(McpSchema.CallToolRequest request) {
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
    }

    @Override
    public void close() {
        all.forEach(McpSyncClient::closeGracefully);
    }
}
