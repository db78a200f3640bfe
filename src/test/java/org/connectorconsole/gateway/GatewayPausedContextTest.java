package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * A context that is stopped and started again (Spring's test context cache pauses contexts it does not use, and an
 * application can be stopped and started by its container) serves the gateway again: stopping ends the sessions,
 * but only closing the context refuses requests for good. Before, a stopped gateway answered every later request
 * with 503 "shutting down".
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@TestPropertySource(properties = "console.test.own-context=gateway-paused")
@DirtiesContext
class GatewayPausedContextTest {

    static TestMcpServer mcp;

    @Autowired
    ServletWebServerApplicationContext context;
    @Autowired
    GatewayFixture fixture;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer().streamable("/mcp", "notes", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void the_gateway_answers_again_after_the_context_was_stopped_and_started() throws Exception {
        GatewayFixture.Endpoint endpoint = fixture.memberWithApprovedConnector("Notes", mcp.url("/mcp"), "agent");

        assertThat(toolNames(endpoint)).contains("notes__echo");

        context.stop();
        context.start();

        // the web server may bind another port when it starts again: ask it
        assertThat(toolNames(endpoint)).as("served after a restart, not 503").contains("notes__echo");
    }

    private java.util.List<String> toolNames(GatewayFixture.Endpoint endpoint) {
        McpSyncClient client = fixture.client(endpoint, "agent");
        try {
            client.initialize();
            McpSchema.CallToolResult echo = client.callTool(new McpSchema.CallToolRequest("notes__echo",
                    Map.of("message", "hello")));
            assertThat(echo.isError()).as("the call through the gateway").isFalse();
            return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        } finally {
            client.closeGracefully();
        }
    }
}
