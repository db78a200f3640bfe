package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ProtocolRevision;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.mcp.TransportKind;
import org.connectorconsole.mcp.UnsupportedRevisionException;
import org.connectorconsole.support.MisbehavingMcpServer;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One code path negotiates the revision for the doctor's probe and for tool sessions: {@code server/discover}
 * (2026-07-28) first, the initialize handshake (2025-11-25) where the server does not know it. Against a server that
 * speaks only 2026-07-28 (the MCP SDK's modern server), one that speaks only 2025-11-25 (its classic server), one
 * that speaks both, and one that speaks neither.
 */
class ProtocolRevisionsTest {

    static TestMcpServer server;
    static MisbehavingMcpServer future;
    static EgressClient egress;
    final ConnectionDoctor doctor = new ConnectionDoctor(Clock.systemUTC(), false);

    @BeforeAll
    static void start() {
        server = new TestMcpServer()
                .modern("/modern", "modern-only", TestTool.echo(), TestTool.whichRevision())
                .classicOnly("/classic", "classic-only", TestTool.echo(), TestTool.whichRevision())
                .bothRevisions("/both", "bilingual", TestTool.echo(), TestTool.whichRevision())
                .recordMessages("/classic");
        future = new MisbehavingMcpServer();
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterAll
    static void stop() {
        server.close();
        future.close();
        egress.close();
    }

    private Diagnosis diagnose(String url, List<DoctorStep> seen) {
        return doctor.diagnose(egress, url, null, seen::add);
    }

    private static DoctorStep step(List<DoctorStep> steps, String key) {
        return steps.stream().filter(s -> s.key().equals(key)).findFirst().orElseThrow();
    }

    private static String which(String path) throws Exception {
        try (McpToolSession session = McpToolSession.open(egress, URI.create(server.url(path)),
                TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10), Duration.ofSeconds(10), null)) {
            session.listTools();
            return session.call("which", Map.of(), p -> { }).content().getFirst().text();
        }
    }

    @Test
    void a_server_speaking_only_2026_07_28_is_probed_listed_and_called_without_initialize() throws Exception {
        List<DoctorStep> seen = new CopyOnWriteArrayList<>();
        Diagnosis d = diagnose(server.url("/modern"), seen);
        assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(step(seen, "transport").seen()).contains("POST server/discover answered HTTP 200 (MCP 2026-07-28)");
        assertThat(step(seen, "revision").seen()).isEqualTo("2026-07-28");
        assertThat(d.protocolVersion()).isEqualTo("2026-07-28");
        assertThat(d.serverName()).isEqualTo("modern-only");
        assertThat(d.tools()).extracting(ToolInfo::name).containsExactly("echo", "which");

        assertThat(which("/modern")).isEqualTo("DISCOVER 2026-07-28");
        try (McpToolSession session = McpToolSession.open(egress, URI.create(server.url("/modern")),
                TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10), Duration.ofSeconds(10), null)) {
            assertThat(session.revision()).isEqualTo(ProtocolRevision.DISCOVER);
            assertThat(session.call("echo", Map.of("message", "over 2026-07-28"), p -> { }).content().getFirst()
                    .text()).isEqualTo("over 2026-07-28");
        }
    }

    @Test
    void a_server_speaking_only_2025_11_25_is_reached_through_the_initialize_handshake() throws Exception {
        List<DoctorStep> seen = new CopyOnWriteArrayList<>();
        Diagnosis d = diagnose(server.url("/classic"), seen);
        assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(step(seen, "revision").seen()).isEqualTo("2025-11-25 (initialize handshake)");
        assertThat(d.serverName()).isEqualTo("classic-only");
        assertThat(which("/classic")).isEqualTo("INITIALIZE");
    }

    @Test
    void a_server_speaking_both_is_spoken_to_in_2026_07_28() throws Exception {
        List<DoctorStep> seen = new CopyOnWriteArrayList<>();
        Diagnosis d = diagnose(server.url("/both"), seen);
        assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(step(seen, "revision").seen()).isEqualTo("2026-07-28");
        assertThat(which("/both")).isEqualTo("DISCOVER 2026-07-28");
    }

    @Test
    void the_revision_a_server_was_reached_with_is_remembered_so_later_sessions_skip_the_refused_discover()
            throws Exception {
        McpProbe.probe(egress, URI.create(server.url("/classic")), TransportKind.STREAMABLE_HTTP,
                Duration.ofSeconds(10));
        int before = server.received().size();
        assertThat(which("/classic")).isEqualTo("INITIALIZE");
        List<String> sent = server.received().subList(before, server.received().size());
        assertThat(sent).as("what the session posted").noneMatch(m -> m.contains("server/discover"))
                .anyMatch(m -> m.contains("\"initialize\""));
    }

    @Test
    void a_2025_11_25_stream_that_ends_before_its_answer_is_resumed_after_its_retry_with_last_event_id()
            throws Exception {
        try (McpToolSession session = McpToolSession.open(egress, URI.create(future.url(
                MisbehavingMcpServer.RESUMING)), TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10),
                Duration.ofSeconds(10), null)) {
            assertThat(session.revision()).isEqualTo(ProtocolRevision.INITIALIZE);
            assertThat(session.listTools().tools()).extracting(ToolInfo::name).containsExactly("patient");
            assertThat(session.call("patient", Map.of(), p -> { }).content().getFirst().text())
                    .isEqualTo("resumed after call-1");
        }
        assertThat(future.resumedWith()).containsExactly("call-1");
        assertThat(future.resumedAfter()).as("after the server's retry: 300").isGreaterThanOrEqualTo(
                Duration.ofMillis(290));
    }

    @Test
    void a_server_speaking_only_a_revision_the_console_cannot_is_told_plainly() {
        List<DoctorStep> seen = new CopyOnWriteArrayList<>();
        Diagnosis d = diagnose(future.url(MisbehavingMcpServer.FUTURE_ONLY), seen);
        assertThat(d.outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
        assertThat(d.firstFailure().key()).isEqualTo("revision");
        assertThat(d.firstFailure().title()).isEqualTo("Protocol revision");
        assertThat(d.firstFailure().advice()).startsWith("The server speaks MCP 2099-01-01 only; the console speaks "
                + "2026-07-28 and 2025-11-25");
        assertThatThrownBy(() -> McpToolSession.open(egress, URI.create(future.url(MisbehavingMcpServer.FUTURE_ONLY)),
                TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10), Duration.ofSeconds(10), null))
                .isInstanceOf(UnsupportedRevisionException.class)
                .satisfies(e -> assertThat(((UnsupportedRevisionException) e).serverVersions())
                        .containsExactly("2099-01-01"));
    }
}
