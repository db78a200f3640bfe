package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.connectorconsole.conversation.ToolCallRuntime;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * One member's client over the per-member bound of running calls ({@value ToolCallRuntime#MAX_RUNNING_PER_MEMBER}):
 * while that many of the member's calls are running upstream, one more is answered at once with a tool error that
 * says why, and never reaches the server; the running ones finish as they would have.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayConcurrencyTest {

    static TestMcpServer mcp;
    /** Calls of "hold" that reached the server. */
    static final AtomicInteger arrived = new AtomicInteger();
    static volatile CountDownLatch started;
    static final CountDownLatch release = new CountDownLatch(1);

    @Autowired
    GatewayFixture fixture;

    @BeforeAll
    static void start() {
        McpSchema.Tool tool = McpSchema.Tool.builder("hold").description("Answers when the test lets it")
                .inputSchema(Map.of("type", "object")).build();
        mcp = new TestMcpServer().streamable("/mcp", "holding", new SyncToolSpecification(tool, (exchange, r) -> {
            arrived.incrementAndGet();
            started.countDown();
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return McpSchema.CallToolResult.builder().addTextContent("released").build();
        }));
    }

    @AfterAll
    static void stop() {
        release.countDown();
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void a_call_over_the_members_bound_is_refused_at_once_and_never_sent() throws Exception {
        GatewayFixture.Endpoint endpoint = fixture.memberWithApprovedConnector("Holding", mcp.url("/mcp"), "agent");
        int bound = ToolCallRuntime.MAX_RUNNING_PER_MEMBER;

        List<McpSyncClient> clients = new ArrayList<>();
        // a thread per call (the common pool has one thread on a 2-core machine: the calls would run one by one)
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i <= bound; i++) {
                McpSyncClient client = fixture.client(endpoint, "agent-" + i);
                client.initialize();
                clients.add(client);
            }
            started = new CountDownLatch(bound);
            arrived.set(0);
            List<CompletableFuture<McpSchema.CallToolResult>> running = new ArrayList<>();
            for (int i = 0; i < bound; i++) {
                McpSyncClient client = clients.get(i);
                running.add(CompletableFuture.supplyAsync(() -> client.callTool(
                        new McpSchema.CallToolRequest("holding__hold", Map.of())), threads));
            }
            assertThat(started.await(120, TimeUnit.SECONDS)).as("the member's calls are running upstream").isTrue();

            McpSchema.CallToolResult over = clients.get(bound).callTool(
                    new McpSchema.CallToolRequest("holding__hold", Map.of()));
            assertThat(over.isError()).isTrue();
            assertThat(((McpSchema.TextContent) over.content().getFirst()).text())
                    .contains("You already have " + bound + " tool calls running");
            assertThat(running).noneMatch(CompletableFuture::isDone);

            release.countDown();
            for (CompletableFuture<McpSchema.CallToolResult> call : running) {
                McpSchema.CallToolResult result = call.get(120, TimeUnit.SECONDS);
                assertThat(result.isError()).isFalse();
                assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).isEqualTo("released");
            }
            assertThat(arrived.get()).as("the refused call never reached the server").isEqualTo(bound);
        } finally {
            release.countDown();
            clients.forEach(McpSyncClient::closeGracefully);
            threads.shutdownNow();
        }
    }
}
