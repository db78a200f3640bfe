package org.connectorconsole.gateway;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.function.Function;

/** The MCP Java SDK's own client (classic API) pointed at a gateway endpoint with a bearer token. */
final class GatewayClients {

    private GatewayClients() {
    }

    static McpSyncClient java(String base, String path, String token, String clientName) {
        return java(base, path, token, clientName, null);
    }

    /** The SDK's client for MCP 2026-07-28 ({@code io.modelcontextprotocol.modern}), stateless. */
    static io.modelcontextprotocol.modern.client.McpSyncClient modern(String base, String path, String token,
            String clientName) {
        return modern(base, path, token, clientName, null);
    }

    /** With {@code form} non-null the 2026-07-28 client declares form elicitation and answers input requests by it. */
    static io.modelcontextprotocol.modern.client.McpSyncClient modern(String base, String path, String token,
            String clientName, io.modelcontextprotocol.modern.client.McpSyncElicitationHandler<
                    io.modelcontextprotocol.modern.McpSchema.ElicitFormRequest> form) {
        var transport = io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport.builder(base + path)
                .requestCustomizer(io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer.fromSync(
                        (request, headers, context) -> headers.set("Authorization", "Bearer " + token)))
                .build();
        var builder = io.modelcontextprotocol.modern.client.McpClient.sync(transport)
                .clientInfo(new io.modelcontextprotocol.modern.McpSchema.Implementation(clientName, null, "2.0", null,
                        null, null));
        if (form != null) {
            builder.formElicitation(form);
        }
        return builder.build();
    }

    /** With {@code elicitation} non-null the client offers form elicitation and answers with it. */
    static McpSyncClient java(String base, String path, String token, String clientName,
            Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation) {
        return java(base, path, token, clientName, elicitation, null);
    }

    /** With {@code toolsChanged} non-null the client hears notifications/tools/list_changed (with the new list). */
    static McpSyncClient java(String base, String path, String token, String clientName,
            Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation,
            java.util.function.Consumer<java.util.List<McpSchema.Tool>> toolsChanged) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(path)
                .httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
                        "Bearer " + token))
                .build();
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation(clientName, "1.0"))
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(20));
        if (toolsChanged != null) {
            spec.toolsChangeConsumer(toolsChanged);
        }
        if (elicitation != null) {
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(elicitation);
        }
        return spec.build();
    }
}
