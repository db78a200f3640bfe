package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.MisbehavingMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * MCP servers that misbehave (a raw socket server on 127.0.0.1): the connection doctor, run by an owner through
 * {@link ConnectorService#startCheck}, and a member's connection check ({@link ConnectionService#checkNow}) both
 * end within their bounds and say what happened. The two run at the same time against the same server. Bounds:
 * each doctor step 10 s ({@link ConnectionDoctor#STEP_TIMEOUT}), each step of a member's check 10 s
 * ({@code console.connections.timeout}). The asserted upper bounds add scheduling slack for a loaded 2-core
 * machine yet stay below what a wrong bound would take: {@link #TWO_TIMEOUTS} for a step that should end at its
 * 10 s timeout (a second timed-out step, or none, would reach it), {@link #ONE_TIMEOUT} for one that should end at
 * once (waiting for a timeout would reach it).
 */
@IntegrationTest
class McpServerFaultsTest {

    /** Less than two 10 s step timeouts. */
    static final Duration TWO_TIMEOUTS = Duration.ofSeconds(19);
    /** Less than one 10 s step timeout. */
    static final Duration ONE_TIMEOUT = Duration.ofSeconds(9);

    static MisbehavingMcpServer server;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;

    @BeforeAll
    static void start() {
        server = new MisbehavingMcpServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** What the doctor and a member's check reported, and how long each took. */
    record Outcome(Diagnosis diagnosis, List<DoctorStep> steps, Duration doctorTook, MemberConnector member,
            Duration memberTook) {
        DoctorStep failure() {
            return diagnosis.firstFailure();
        }
    }

    private Outcome run(String path) throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector connector = connectors.add(ConnectorForm.of("Faulty " + path, server.url(path)));
        List<DoctorStep> steps = new CopyOnWriteArrayList<>();
        CompletableFuture<Diagnosis> done = new CompletableFuture<>();
        long doctorStart = System.nanoTime();
        String caller = Thread.currentThread().getName();
        connectors.startCheck(connector.id(), steps::add, d -> {
            // the doctor never runs on the caller's thread (in the console: the UI thread)
            done.complete(Thread.currentThread().getName().equals(caller) ? null : d);
        });
        // meanwhile a member asks whether the same connector works for them
        orgs.signIn(org.members().getFirst());
        long memberStart = System.nanoTime();
        MemberConnector member = connections.checkNow(connector.id());
        Duration memberTook = Duration.ofNanos(System.nanoTime() - memberStart);
        Diagnosis diagnosis = done.get(60, TimeUnit.SECONDS);
        Duration doctorTook = Duration.ofNanos(System.nanoTime() - doctorStart);
        assertThat(diagnosis).as("the doctor ran on a background thread").isNotNull();
        System.out.printf("fault %s: doctor %d ms %s%n  member %d ms %s: %s%n", path, doctorTook.toMillis(),
                diagnosis.steps(), memberTook.toMillis(), member.state(), member.reason());
        // the stored result matches what was reported, and the page shows the outcome
        orgs.signIn(org.owner());
        assertThat(connectors.get(connector.id()).lastCheck().outcome()).isEqualTo(diagnosis.outcome());
        return new Outcome(diagnosis, steps, doctorTook, member, memberTook);
    }

    @Test
    void server_that_accepts_and_never_answers_is_reported_after_the_step_timeout() throws Exception {
        Outcome o = run(MisbehavingMcpServer.STALL);
        assertThat(o.diagnosis().outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
        assertThat(o.failure().key()).isEqualTo("transport");
        assertThat(o.failure().advice()).isEqualTo("No complete answer within 10 s.");
        assertThat(o.doctorTook()).isBetween(Duration.ofSeconds(9), TWO_TIMEOUTS);
        assertThat(o.member().state()).isEqualTo(MemberConnector.State.FAILING);
        assertThat(o.member().reason())
                .isEqualTo("The server cannot be used right now: The server did not answer within 10 s.");
        assertThat(o.memberTook()).isLessThan(TWO_TIMEOUTS);
    }

    @Test
    void server_answering_500_is_reported_at_once_with_the_status() throws Exception {
        Outcome o = run(MisbehavingMcpServer.ERROR_500);
        assertThat(o.failure().key()).isEqualTo("transport");
        assertThat(o.failure().advice()).isEqualTo("The server answered HTTP 500 to an MCP initialize request.");
        assertThat(o.doctorTook()).isLessThan(ONE_TIMEOUT);
        assertThat(o.member().state()).isEqualTo(MemberConnector.State.FAILING);
        assertThat(o.member().reason())
                .isEqualTo("The server cannot be used right now: The server answered HTTP 500 to an MCP request.");
        assertThat(o.memberTook()).isLessThan(ONE_TIMEOUT);
    }

    @Test
    void connection_closed_half_way_through_the_answer_is_reported() throws Exception {
        Outcome o = run(MisbehavingMcpServer.CUT_MID_STREAM);
        assertThat(o.diagnosis().outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
        assertThat(o.failure().key()).isEqualTo("session");
        assertThat(o.failure().advice()).isEqualTo("The server closed the connection before its answer was complete.");
        assertThat(o.doctorTook()).isLessThan(TWO_TIMEOUTS);
        assertThat(o.member().state()).isEqualTo(MemberConnector.State.FAILING);
        assertThat(o.member().reason()).isEqualTo("The server cannot be used right now: The server closed the "
                + "connection before its answer was complete.");
        assertThat(o.memberTook()).isLessThan(TWO_TIMEOUTS);
    }

    @Test
    void endless_event_stream_without_the_answer_ends_at_the_request_timeout() throws Exception {
        int before = server.eventsSent();
        Outcome o = run(MisbehavingMcpServer.ENDLESS_EVENTS);
        assertThat(o.failure().key()).isEqualTo("session");
        assertThat(o.failure().advice()).isEqualTo("The server did not answer within 10 s.");
        assertThat(o.doctorTook()).isBetween(Duration.ofSeconds(9), TWO_TIMEOUTS);
        assertThat(o.member().state()).isEqualTo(MemberConnector.State.FAILING);
        assertThat(o.member().reason())
                .isEqualTo("The server cannot be used right now: The server did not answer within 10 s.");
        assertThat(o.memberTook()).isBetween(Duration.ofSeconds(9), TWO_TIMEOUTS);
        assertThat(server.eventsSent() - before).as("the stream really was flowing").isGreaterThan(100);
        // and the console stopped reading: the server notices soon after
        int after = server.eventsSent();
        Thread.sleep(1500);
        assertThat(server.eventsSent() - after).as("events still accepted after the check ended").isLessThan(10);
    }

    @Test
    void hundred_megabyte_answer_is_cut_off_at_the_size_bound() throws Exception {
        Outcome o = run(MisbehavingMcpServer.HUGE_RESPONSE);
        assertThat(o.failure().key()).isEqualTo("session");
        assertThat(o.failure().advice()).isEqualTo("The response is larger than 8 MB; the console stops reading there.");
        assertThat(o.member().reason()).isEqualTo("The server cannot be used right now: The response is larger than "
                + "8 MB; the console stops reading there.");
        assertThat(o.doctorTook()).isLessThan(TWO_TIMEOUTS);
        assertThat(o.memberTook()).isLessThan(TWO_TIMEOUTS);
        // two readers stopped near 8 MB each (socket buffers add a little), far from 100 MB
        assertThat(server.hugeKilobytesSent()).isLessThan(40 * 1024);
    }

    @Test
    void tools_list_paging_forever_stops_at_the_page_bound_and_says_the_list_is_cut() throws Exception {
        int before = server.toolPagesServed();
        Outcome o = run(MisbehavingMcpServer.ENDLESS_PAGES);
        assertThat(o.diagnosis().outcome()).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(o.diagnosis().toolsTruncated()).isTrue();
        assertThat(o.diagnosis().tools()).hasSize(McpProbe.MAX_TOOL_PAGES);
        DoctorStep tools = o.steps().stream().filter(s -> s.key().equals("tools")).findFirst().orElseThrow();
        assertThat(tools.status()).isEqualTo(DoctorStep.Status.WARNING);
        assertThat(tools.seen()).isEqualTo("50 tools (list cut at 2000 tools or 50 pages)");
        assertThat(tools.advice()).contains("members will see only the first tools");
        assertThat(o.member().state()).isEqualTo(MemberConnector.State.NO_SIGN_IN);
        // new tools are held for review (decision 0017): the member sees them counted as waiting, none as usable
        assertThat(o.member().tools()).isEmpty();
        assertThat(o.member().waitingForReview()).isEqualTo(McpProbe.MAX_TOOL_PAGES);
        assertThat(server.toolPagesServed() - before).isEqualTo(2 * McpProbe.MAX_TOOL_PAGES);
        assertThat(o.doctorTook()).isLessThan(Duration.ofSeconds(30));
        assertThat(o.memberTook()).isLessThan(Duration.ofSeconds(30));
    }

    /**
     * A server that breaks the MCP SDK (a parser or mapping failure deep inside it): people read a sentence the
     * console wrote with a reference, never the exception's own text; the log line carries the same reference.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {MisbehavingMcpServer.GARBLED_JSON,
        MisbehavingMcpServer.WRONG_SHAPE})
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void a_server_that_breaks_the_sdk_is_reported_in_the_consoles_words_with_a_reference_for_the_log(String path,
            org.springframework.boot.test.system.CapturedOutput log) throws Exception {
        Outcome o = run(path);
        assertThat(o.diagnosis().outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
        for (String shown : List.of(o.failure().advice(), o.member().reason())) {
            assertThat(shown).as(path).doesNotContain("Exception", "jackson", "Jackson", "java.", "Source:", "`",
                    "line:", "column:", "Unexpected", "Cannot");
            java.util.regex.Matcher reference = java.util.regex.Pattern
                    .compile("Something went wrong talking to the server \\(reference ([0-9a-f]{8})\\); the log has "
                            + "details\\.").matcher(shown);
            assertThat(reference.find()).as(shown).isTrue();
            assertThat(log.getAll()).as("the log names reference " + reference.group(1))
                    .containsPattern("reference " + reference.group(1) + "\\b.*\\R(?s).*(Exception|Error)");
        }
    }
}
