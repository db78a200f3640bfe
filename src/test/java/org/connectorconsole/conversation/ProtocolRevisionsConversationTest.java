package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connection.StoredTokens;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.DoctorStep;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestMcpServer.Speaks;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import testpeers.TestAuthorizationServer;

/**
 * The console's whole use of a server, against one that speaks only 2026-07-28 (the MCP SDK's modern server), one
 * that speaks only 2025-11-25 (its classic server), and one that speaks both: the doctor's check, a member's OAuth
 * sign-in, the member's check and tool list, tool calls, a token the provider revokes, and a tool the server changes
 * held for review. Progress, a timeout and a cancellation over 2026-07-28, where closing the request's stream is the
 * cancellation.
 */
@IntegrationTest
class ProtocolRevisionsConversationTest {

    static TestAuthorizationServer as;
    static TestMcpServer mcp;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    StoredTokens stored;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;
    @Autowired
    TestConnectors testConnectors;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer();
        for (Speaks speaks : Speaks.values()) {
            mcp.oauthProtected(path(speaks), "files-" + speaks, as.issuer(), "mcp", speaks, TestTool.echo(),
                    TestTool.whichRevision());
        }
        mcp.modern("/open-modern", "open-modern", TestTool.echo(), TestTool.slow()).watchDisconnects("/open-modern");
    }

    @AfterAll
    static void stop() {
        mcp.close();
        as.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private static String path(Speaks speaks) {
        return "/" + speaks.name().toLowerCase().replace('_', '-');
    }

    private static String expectedWay(Speaks speaks) {
        return speaks == Speaks.ONLY_2025_11_25 ? "INITIALIZE" : "DISCOVER 2026-07-28";
    }

    private ToolCallEntry run(ConversationId conversation, Connector c, String tool, String arguments)
            throws Exception {
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(new ToolCallRequest(conversation, c.id(), tool, arguments, null), listener(
                new CopyOnWriteArrayList<>(), done));
        return done.get(60, TimeUnit.SECONDS);
    }

    private static ToolCallListener listener(List<McpToolSession.Progress> progress,
            CompletableFuture<ToolCallEntry> done) {
        return new ToolCallListener() {
            @Override
            public void progress(McpToolSession.Progress p) {
                progress.add(p);
            }

            @Override
            public void finished(ToolCallEntry entry) {
                done.complete(entry);
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Speaks.class)
    void a_member_connects_lists_and_calls_and_a_changed_tool_is_held_for_review(Speaks speaks) throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        policies.updateSettings(ToolSettings.NewTools.ALLOW, false, policies.settings().version());
        Connector c = connectors.add(new ConnectorForm("Files " + speaks, mcp.url(path(speaks)), null, null, false));
        CompletableFuture<Diagnosis> checked = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        Diagnosis d = checked.get(60, TimeUnit.SECONDS);
        assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
        assertThat(d.steps()).filteredOn(s -> s.key().equals("revision")).singleElement()
                .satisfies(s -> assertThat(s.status()).isEqualTo(DoctorStep.Status.SKIPPED));

        orgs.signIn(org.members().getFirst());
        assertThat(AuthorizationBrowser.connect(connections, c.id(), "/conversations").connected()).isTrue();
        MemberConnector mine = connections.checkNow(c.id());
        assertThat(mine.state()).as(mine.reason()).isEqualTo(MemberConnector.State.CONNECTED);
        assertThat(mine.tools()).extracting(ToolInfo::name).containsExactly("echo", "which");

        Conversation conv = conversations.create("Both ways");
        conversations.setEnabled(conv.id(), c.id(), true);
        int accepted = mcp.bearerAccepted();
        ToolCallEntry which = run(conv.id(), c, "which", "{}");
        assertThat(which.status()).as(which.message()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(which.result().content().getFirst().text()).isEqualTo(expectedWay(speaks));
        ToolCallEntry echo = run(conv.id(), c, "echo", "{\"message\":\"hello " + speaks + "\"}");
        assertThat(echo.result().content().getFirst().text()).isEqualTo("hello " + speaks);
        assertThat(mcp.bearerAccepted()).as("the server saw the member's bearer token").isGreaterThan(accepted);

        // the server quietly changes what echo says it does: the next call is refused, the change held for review
        mcp.replaceTool(path(speaks), TestTool.echo().describedAs("Repeats the message and forwards it elsewhere"));
        ToolCallEntry refused = run(conv.id(), c, "echo", "{\"message\":\"again\"}");
        assertThat(refused.status()).isEqualTo(ToolCallStatus.REFUSED);
        assertThat(refused.message()).contains("changed echo");
        orgs.signIn(org.owner());
        assertThat(policies.tools(c.id())).filteredOn(t -> t.name().equals("echo")).singleElement()
                .satisfies(t -> assertThat(t.review()).isEqualTo(ConnectorTool.Review.CHANGED));

        // the provider revokes the member's grant: the next call asks to reconnect (401 in either revision)
        orgs.signIn(org.members().getFirst());
        String token = stored.accessToken(c.id());
        as.authorizations().remove(as.authorizations().findByToken(token, OAuth2TokenType.ACCESS_TOKEN));
        ToolCallEntry afterRevocation = run(conv.id(), c, "which", "{}");
        assertThat(afterRevocation.status()).isEqualTo(ToolCallStatus.FAILED);
        assertThat(afterRevocation.message()).contains("Reconnect");
        assertThat(conversations.connectors(conv.id())).singleElement()
                .satisfies(x -> assertThat(x.state()).isEqualTo(MemberConnector.State.NEEDS_REAUTH));
    }

    @Test
    void over_2026_07_28_progress_arrives_and_a_timeout_or_cancel_closes_the_stream_the_server_works_for()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Modern tools", mcp.url("/open-modern"),
                ToolSettings.NewTools.ALLOW);
        assertThat(checked.diagnosis().protocolVersion()).isEqualTo("2026-07-28");
        Connector c = checked.connector();
        orgs.signIn(org.members().getFirst());
        Conversation conv = conversations.create("Slow");
        conversations.setEnabled(conv.id(), c.id(), true);

        long started = System.nanoTime();
        int closedBefore = mcp.disconnects("/open-modern");
        ToolCallEntry timedOut = run(conv.id(), c, "slow", "{\"seconds\":30}");
        assertThat(timedOut.status()).isEqualTo(ToolCallStatus.TIMED_OUT);
        assertThat(timedOut.message()).contains("did not answer within 5 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ended by the 5 s timeout, not the tool's 30 s")
                .isLessThan(Duration.ofSeconds(25));
        awaitClosed(closedBefore + 1);
        assertThat(mcp.disconnects("/open-modern"))
                .as("the server saw the stream close (2026-07-28: that is the cancellation)").isEqualTo(closedBefore + 1);

        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        List<McpToolSession.Progress> progress = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> firstProgress = new CompletableFuture<>();
        RunningCall running = conversations.start(new ToolCallRequest(conv.id(), c.id(), "slow", "{\"seconds\":30}",
                null), new ToolCallListener() {
                    @Override
                    public void progress(McpToolSession.Progress p) {
                        progress.add(p);
                        firstProgress.complete(null);
                    }

                    @Override
                    public void finished(ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        firstProgress.get(60, TimeUnit.SECONDS);
        assertThat(progress.getFirst().message()).isEqualTo("started");
        assertThat(progress.getFirst().total()).isEqualTo(300.0);
        running.cancel();
        ToolCallEntry cancelled = done.get(60, TimeUnit.SECONDS);
        assertThat(cancelled.status()).isEqualTo(ToolCallStatus.CANCELLED);
        awaitClosed(closedBefore + 2);
        assertThat(mcp.disconnects("/open-modern")).as("Cancel closed the stream the server was writing to")
                .isEqualTo(closedBefore + 2);

        ToolCallEntry ok = run(conv.id(), c, "echo", "{\"message\":\"still here\"}");
        assertThat(ok.status()).as("the conversation works on after trouble").isEqualTo(ToolCallStatus.SUCCEEDED);
    }

    private static void awaitClosed(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (mcp.disconnects("/open-modern") < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
