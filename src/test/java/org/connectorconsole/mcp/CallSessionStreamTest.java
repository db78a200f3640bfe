package org.connectorconsole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A session for listings and calls opens no GET stream for the server's notifications (each such stream holds one
 * of the egress client's connections to the server while the session lives, decision 0061); a tool watch opens
 * one and hears the server's list changes on it; a call's progress still arrives (on the call's own stream).
 */
class CallSessionStreamTest {

    static TestMcpServer server;
    static EgressClient egress;
    static List<String> requests;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().classicOnly("/classic", "classic-only", TestTool.echo(), TestTool.slow());
        requests = server.recordRequests("/classic");
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterAll
    static void stop() {
        server.close();
        egress.close();
    }

    private static String sessionOf(String request) {
        int space = request.indexOf(' ');
        return space < 0 ? null : request.substring(space + 1);
    }

    @Test
    void a_call_session_opens_no_listening_stream_and_still_hears_progress() throws Exception {
        URI url = URI.create(server.url("/classic"));
        int before = requests.size();
        List<McpToolSession.Progress> progress = new ArrayList<>();
        String session;
        try (McpToolSession call = McpToolSession.open(egress, url, TransportKind.STREAMABLE_HTTP,
                Duration.ofSeconds(20), Duration.ofSeconds(20), null)) {
            assertThat(call.protocolVersion()).isNotEqualTo("2026-07-28");
            call.listTools();
            assertThat(call.call("echo", Map.of("message", "hi"), p -> { }).content().getFirst().text())
                    .isEqualTo("hi");
            assertThat(call.call("slow", Map.of("seconds", 1), progress::add).content().getFirst().text())
                    .isEqualTo("done");
            session = requests.subList(before, requests.size()).stream().map(CallSessionStreamTest::sessionOf)
                    .filter(s -> s != null).findFirst().orElseThrow();
        }
        assertThat(progress).isNotEmpty();
        // the session's end (DELETE) is sent after everything else it sent: by then a listening GET would be here
        waitFor(() -> requests.contains("DELETE " + session));
        assertThat(requests).filteredOn(r -> session.equals(sessionOf(r))).extracting(r -> r.split(" ")[0])
                .contains("POST", "DELETE").doesNotContain("GET");
    }

    @Test
    void a_tool_watch_opens_its_listening_stream_and_hears_list_changes() throws Exception {
        URI url = URI.create(server.url("/classic"));
        int before = requests.size();
        CountDownLatch changed = new CountDownLatch(1);
        ToolWatch watch = McpToolSession.watchTools(egress, url, TransportKind.STREAMABLE_HTTP,
                Duration.ofSeconds(20), null, new ToolWatch.Listener() {
                    @Override
                    public void toolsChanged() {
                        changed.countDown();
                    }

                    @Override
                    public void ended(Throwable cause) {
                    }
                });
        assertThat(watch).isNotNull();
        try {
            waitFor(() -> requests.subList(before, requests.size()).stream().anyMatch(r -> r.startsWith("GET ")));
            server.replaceTool("/classic", TestTool.echo().describedAs("Repeats, changed"));
            assertThat(changed.await(30, TimeUnit.SECONDS)).as("list change heard on the watch's stream").isTrue();
        } finally {
            watch.close();
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 30 s: " + requests);
            }
            Thread.sleep(20);
        }
    }
}
