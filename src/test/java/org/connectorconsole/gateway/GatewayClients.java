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

    /** With {@code elicitation} non-null the client offers form elicitation and answers with it. */
    static McpSyncClient java(String base, String path, String token, String clientName,
            Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base)
                .endpoint(path)
                .httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
                        "Bearer " + token))
                .build();
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation(clientName, "1.0"))
                .requestTimeout(Duration.ofSeconds(60))
                .initializationTimeout(Duration.ofSeconds(20));
        if (elicitation != null) {
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build()).elicitation(elicitation);
        }
        return spec.build();
    }
}
