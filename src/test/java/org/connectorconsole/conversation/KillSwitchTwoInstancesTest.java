package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.ConsoleInstance;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kill switch across instances (decision 0064): two whole consoles on one PostgreSQL; a member's call runs on B,
 * an owner disables its connector through A, and B stops the call at once (not when the server finishes, nor at the
 * call's timeout), saying why.
 */
class KillSwitchTwoInstancesTest {

    static EmbeddedPostgres postgres;
    static TestMcpServer mcp;
    static ConsoleInstance a;
    static ConsoleInstance b;
    /** Each call of "hold" reports here when it starts, then waits for {@link #release}. */
    static final LinkedBlockingQueue<String> entered = new LinkedBlockingQueue<>();
    static final CountDownLatch release = new CountDownLatch(1);

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer().streamable("/files", "files", TestMcpServer.echoTool(), holdTool());
        try {
            postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200").start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        String jdbc = postgres.getJdbcUrl("postgres", "postgres");
        String keyset = SecretSealer.newKeysetJson();
        // calls may run for two minutes: the switch, not the timeout, must be what ends the held call
        a = ConsoleInstance.start(jdbc, keyset, "--console.tools.call-timeout=120s");
        b = ConsoleInstance.start(jdbc, keyset, "--console.tools.call-timeout=120s");
    }

    @AfterAll
    static void stop() throws Exception {
        release.countDown();
        TestOrganizations.signOut();
        for (AutoCloseable c : new AutoCloseable[] {b, a, mcp, postgres}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static SyncToolSpecification holdTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("hold").description("Works until released")
                .inputSchema(Map.of("type", "object", "properties", Map.of())).build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            entered.add("hold");
            try {
                release.await(180, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return McpSchema.CallToolResult.builder().addTextContent("released").build();
        });
    }

    @Test
    void disabling_a_connector_through_one_instance_stops_its_call_running_on_the_other() throws Exception {
        TestOrganizations orgsA = a.bean(TestOrganizations.class);
        Org org = orgsA.create(Plan.TEAM, 1);
        Connector files = a.bean(TestConnectors.class).addChecked(org, "Files", mcp.url("/files"),
                ToolSettings.NewTools.ALLOW).connector();

        // the member's call runs on B, held by the server
        b.bean(TestOrganizations.class).signIn(org.members().getFirst());
        ConversationService onB = b.bean(ConversationService.class);
        Conversation c = onB.create("Long work");
        onB.setEnabled(c.id(), files.id(), true);
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        RunningCall running = onB.start(new ToolCallRequest(c.id(), files.id(), "hold", "{}", null),
                new ToolCallListener() {
                    @Override
                    public void progress(org.connectorconsole.mcp.McpToolSession.Progress progress) {
                    }

                    @Override
                    public void finished(ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        assertThat(running.entry().status()).isEqualTo(ToolCallStatus.RUNNING);
        assertThat(entered.poll(60, TimeUnit.SECONDS)).as("the server started B's call").isNotNull();
        TestOrganizations.signOut();

        // the owner disables the connector through A
        orgsA.signIn(org.owner());
        ConnectorService connectorsA = a.bean(ConnectorService.class);
        Connector now = connectorsA.get(files.id());
        connectorsA.setEnabled(now.id(), now.version(), false);
        TestOrganizations.signOut();

        ToolCallEntry stopped = done.get(90, TimeUnit.SECONDS);
        assertThat(stopped.status()).isEqualTo(ToolCallStatus.CANCELLED);
        assertThat(stopped.message()).isEqualTo("Stopped by an owner: Files was disabled while the call was running.");
        assertThat(release.getCount()).as("stopped by the switch, not by the server finishing").isEqualTo(1);
    }
}
