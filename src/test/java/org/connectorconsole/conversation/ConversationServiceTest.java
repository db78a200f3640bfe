package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import java.util.ArrayList;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/**
 * Conversations against real MCP servers (the Java SDK's, on 127.0.0.1) and the embedded PostgreSQL: toggles per
 * conversation, tool calls through the member's connection, the owners' policies and pinning enforced on the
 * server, timeouts, cancellation and server errors kept in the history.
 */
@IntegrationTest
class ConversationServiceTest {

    static TestMcpServer mcp;
    static final AtomicInteger pings = new AtomicInteger();

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;
    @Autowired
    DSLContext db;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ToolCallRecorder recorder;
    @Autowired
    org.connectorconsole.security.CurrentMember currentMember;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer();
        mcp.streamable("/tools", "tool-server", TestMcpServer.echoTool(), pingTool(), slowTool(), explodingTool());
        mcp.recordMessages("/tools");
    }

    /** The {@code notifications/cancelled} messages the tool server received so far. */
    private static List<String> cancelNotices() {
        return mcp.received().stream().filter(m -> m.contains("\"notifications/cancelled\"")).toList();
    }

    private static void awaitCancelNotices(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cancelNotices().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    static SyncToolSpecification pingTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("ping").description("Counts its calls")
                .inputSchema(Map.of("type", "object", "properties", Map.of())).build();
        return new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                .addTextContent("pong " + pings.incrementAndGet()).build());
    }

    static SyncToolSpecification slowTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("slow").description("Takes as long as it is told")
                .inputSchema(Map.of("type", "object", "properties", Map.of("seconds", Map.of("type", "integer")),
                        "required", List.of("seconds")))
                .build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            Object token = request.meta() == null ? null : request.meta().get("progressToken");
            if (token != null) {
                exchange.progressNotification(new McpSchema.ProgressNotification(token, 1, 2.0, "started"));
            }
            try {
                Thread.sleep(((Number) request.arguments().get("seconds")).longValue() * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return McpSchema.CallToolResult.builder().addTextContent("done").build();
        });
    }

    static SyncToolSpecification explodingTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("explode").description("Always fails")
                .inputSchema(Map.of("type", "object", "properties", Map.of())).build();
        return new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                .isError(true).addTextContent("disk on fire").build());
    }

    /** A Team org with a connector to the tool server, checked by the owner (so members see it as usable). */
    private Setup setup(ToolSettings.NewTools newTools) throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Tools", mcp.url("/tools"), newTools);
        assertThat(checked.diagnosis().outcome()).isEqualTo(Diagnosis.Outcome.READY);
        return new Setup(org, checked.connector());
    }

    private record Setup(Org org, Connector connector) {
    }

    /** Runs a call to its end and returns the history entry, with the progress seen on the way. */
    private Finished run(ToolCallRequest request) throws Exception {
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        List<McpToolSession.Progress> progress = new CopyOnWriteArrayList<>();
        conversations.start(request, listener(progress, done));
        return new Finished(done.get(60, TimeUnit.SECONDS), progress);
    }

    private record Finished(ToolCallEntry entry, List<McpToolSession.Progress> progress) {
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

    private Map<String, String> lastToolCallDetails(Org org) {
        Record2<String, org.jooq.JSONB> row = db.select(AUDIT_EVENT.ACTION, AUDIT_EVENT.DETAILS).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.ACTION.eq("tool.called")))
                .orderBy(AUDIT_EVENT.SEQ.desc()).limit(1).fetchOne();
        assertThat(row).as("a tool.called event").isNotNull();
        @SuppressWarnings("unchecked")
        Map<String, String> details = tools.jackson.databind.json.JsonMapper.builder().build()
                .readValue(row.value2().data(), Map.class);
        return details;
    }

    private List<String> actions(Org org) {
        return db.select(AUDIT_EVENT.ACTION).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id()))
                .orderBy(AUDIT_EVENT.SEQ).fetch(AUDIT_EVENT.ACTION);
    }

    @Test
    void a_toggle_applies_to_one_conversation_persists_and_is_audited() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        Conversation first = conversations.create("Quarterly numbers");
        Conversation second = conversations.create("");
        assertThat(second.title()).isEqualTo("New conversation");

        assertThat(conversations.connectors(first.id())).singleElement()
                .satisfies(c -> assertThat(c.enabled()).isFalse())
                .satisfies(c -> assertThat(c.usable()).isTrue());
        conversations.setEnabled(first.id(), s.connector().id(), true);

        // read back as a fresh request would (another device): stored, not held in memory
        assertThat(conversations.connectors(first.id())).singleElement()
                .satisfies(c -> assertThat(c.enabled()).isTrue());
        assertThat(conversations.connectors(second.id())).singleElement()
                .satisfies(c -> assertThat(c.enabled()).as("the other conversation keeps its own choice").isFalse());
        assertThat(conversations.toolsNow(first.id()).tools()).extracting(ConversationTool::name)
                .contains("echo", "ping");
        assertThat(conversations.toolsNow(second.id()).tools()).isEmpty();

        conversations.setEnabled(first.id(), s.connector().id(), false);
        assertThat(conversations.connectors(first.id())).singleElement()
                .satisfies(c -> assertThat(c.enabled()).isFalse());
        assertThat(actions(s.org())).containsSubsequence("conversation.connector_enabled",
                "conversation.connector_disabled");
        assertThat(conversations.recent()).extracting(Conversation::title)
                .containsExactlyInAnyOrder("Quarterly numbers", "New conversation");
    }

    @Test
    void another_member_can_neither_see_nor_toggle_nor_call_in_my_conversation() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        Conversation mine = conversations.create("Mine");
        conversations.setEnabled(mine.id(), s.connector().id(), true);

        orgs.signIn(s.org().members().get(1));
        assertThat(conversations.recent()).isEmpty();
        assertThatThrownBy(() -> conversations.get(mine.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> conversations.setEnabled(mine.id(), s.connector().id(), false))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> conversations.history(mine.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> conversations.start(new ToolCallRequest(mine.id(), s.connector().id(), "echo",
                "{\"message\":\"hi\"}", null), listener(new CopyOnWriteArrayList<>(), new CompletableFuture<>())))
                .isInstanceOf(NotFoundException.class);

        // a member of another organization does not even find the connector
        Org other = orgs.create(Plan.TEAM, 1);
        orgs.signIn(other.members().get(0));
        Conversation theirs = conversations.create("Theirs");
        assertThatThrownBy(() -> conversations.setEnabled(theirs.id(), s.connector().id(), true))
                .isInstanceOf(NotFoundException.class);

        orgs.signIn(s.org().members().get(0));
        assertThat(conversations.connectors(mine.id())).singleElement()
                .satisfies(c -> assertThat(c.enabled()).as("still on: the refused toggles changed nothing").isTrue());
    }

    @Test
    void new_tools_wait_for_review_then_run_and_the_audit_log_keeps_only_size_and_hash() throws Exception {
        Setup s = setup(ToolSettings.NewTools.HOLD);
        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Echoes");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        ConversationTool echo = conversations.toolsNow(conv.id()).tools().stream()
                .filter(t -> t.name().equals("echo")).findFirst().orElseThrow();
        assertThat(echo.runnable()).isFalse();
        assertThat(echo.refusal()).contains("waits for an owner's review");
        ToolCallRequest call = new ToolCallRequest(conv.id(), s.connector().id(), "echo",
                "{\"message\":\"secret plans\"}", null);
        assertThatThrownBy(() -> conversations.start(call, listener(new CopyOnWriteArrayList<>(),
                new CompletableFuture<>()))).isInstanceOf(ToolRefusedException.class);
        assertThat(conversations.history(conv.id())).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(ToolCallStatus.REFUSED));

        orgs.signIn(s.org().owner());
        assertThat(policies.tools(s.connector().id())).allSatisfy(t -> assertThat(t.review())
                .isEqualTo(ConnectorTool.Review.NEW));
        assertThat(policies.approveAllNew(s.connector().id())).isEqualTo(4);

        orgs.signIn(s.org().members().get(0));
        Finished done = run(call);
        assertThat(done.entry().status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(done.entry().result().content()).singleElement()
                .satisfies(p -> assertThat(p.text()).isEqualTo("secret plans"));
        assertThat(done.entry().durationMs()).isNotNull().isGreaterThanOrEqualTo(0);
        assertThat(conversations.history(conv.id())).extracting(ToolCallEntry::status)
                .containsExactly(ToolCallStatus.REFUSED, ToolCallStatus.SUCCEEDED);

        Map<String, String> details = lastToolCallDetails(s.org());
        assertThat(details).containsEntry("tool", "echo").containsEntry("outcome", "SUCCEEDED")
                .containsEntry("conversation", conv.id().toString())
                .containsEntry("argumentsSha256", ConversationService.argumentsHash("{\"message\":\"secret plans\"}"))
                .containsKeys("durationMs", "argumentsBytes", "resultBytes", "resultSha256")
                .doesNotContainKeys("arguments", "result");
        assertThat(details.toString()).doesNotContain("secret plans");

        orgs.signIn(s.org().owner());
        policies.updateSettings(ToolSettings.NewTools.HOLD, true, policies.settings().version());
        orgs.signIn(s.org().members().get(0));
        run(call);
        assertThat(lastToolCallDetails(s.org()).get("arguments")).contains("secret plans");
        assertThat(actions(s.org())).contains("tool.discovered", "tool.change_approved", "tool.settings_updated");
    }

    @Test
    void a_blocked_tool_is_refused_without_reaching_the_server_even_by_a_crafted_request() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().owner());
        ConnectorTool ping = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("ping"))
                .findFirst().orElseThrow();
        policies.setPolicy(s.connector().id(), "ping", ToolPolicy.BLOCKED, ping.version());

        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Blocked");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        assertThat(conversations.toolsNow(conv.id()).tools()).filteredOn(t -> t.name().equals("ping"))
                .singleElement().satisfies(t -> assertThat(t.refusal()).contains("blocked"));
        int before = pings.get();
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "ping", "{}", null)))
                .isInstanceOf(ToolRefusedException.class).hasMessageContaining("blocked");
        assertThat(pings.get()).as("the server never saw the call").isEqualTo(before);
        assertThat(lastToolCallDetails(s.org())).containsEntry("outcome", "REFUSED").containsEntry("tool", "ping");

        // a tool the server never offered, and a connector switched off in this conversation
        Finished unknown = run(new ToolCallRequest(conv.id(), s.connector().id(), "rm -rf", "{}", null));
        assertThat(unknown.entry().status()).isEqualTo(ToolCallStatus.REFUSED);
        assertThat(unknown.entry().message()).isEqualTo("Tools does not offer a tool named \"rm -rf\".");
        conversations.setEnabled(conv.id(), s.connector().id(), false);
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "echo",
                "{\"message\":\"x\"}", null))).isInstanceOf(ToolRefusedException.class)
                .hasMessageContaining("not switched on");

        // a connector an owner turned off
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        orgs.signIn(s.org().owner());
        connectors.setEnabled(s.connector().id(), connectors.get(s.connector().id()).version(), false);
        orgs.signIn(s.org().members().get(0));
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "echo",
                "{\"message\":\"x\"}", null))).isInstanceOf(ToolRefusedException.class)
                .hasMessageContaining("turned off");
        assertThat(pings.get()).isEqualTo(before);
    }

    @Test
    void the_history_pages_back_through_every_call_oldest_first_and_only_for_its_member() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().owner());
        ConnectorTool ping = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("ping"))
                .findFirst().orElseThrow();
        policies.setPolicy(s.connector().id(), "ping", ToolPolicy.BLOCKED, ping.version());
        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Long history");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        int calls = ConversationService.HISTORY + 7;
        for (int i = 0; i < calls; i++) {
            int n = i;
            assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "ping",
                    "{\"n\":" + n + "}", null))).isInstanceOf(ToolRefusedException.class);
        }

        ListPage<ToolCallEntry> latest = conversations.history(conv.id(), null, ConversationService.HISTORY);
        assertThat(latest.items()).hasSize(ConversationService.HISTORY);
        assertThat(latest.hasMore()).isTrue();
        assertThat(conversations.history(conv.id())).isEqualTo(latest.items());
        ListPage<ToolCallEntry> earlier = conversations.history(conv.id(), latest.items().getFirst(),
                ConversationService.HISTORY);
        assertThat(earlier.items()).hasSize(7);
        assertThat(earlier.hasMore()).isFalse();
        List<ToolCallEntry> all = new ArrayList<>(earlier.items());
        all.addAll(latest.items());
        for (int i = 0; i < calls; i++) {
            assertThat(all.get(i).argumentsJson()).as("call %d, oldest first", i).containsPattern(":\\s*" + i + "\\}");
        }
        assertThat(all.stream().map(ToolCallEntry::id).distinct()).hasSize(calls);
        assertThatThrownBy(() -> conversations.history(conv.id(), null, 0)).isInstanceOf(ValidationException.class);

        orgs.signIn(s.org().members().get(1));
        assertThatThrownBy(() -> conversations.history(conv.id(), latest.items().getFirst(), 10))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void a_tool_that_needs_approval_runs_only_with_the_members_confirmation_of_exactly_those_arguments()
            throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().owner());
        ConnectorTool echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo"))
                .findFirst().orElseThrow();
        policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());

        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Careful");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        String args = "{\"message\":\"transfer 10\"}";
        ToolCallRequest unconfirmed = new ToolCallRequest(conv.id(), s.connector().id(), "echo", args, null);
        String hash;
        try {
            run(unconfirmed);
            throw new AssertionError("ran without confirmation");
        } catch (ApprovalRequiredException e) {
            hash = e.argumentsHash();
        }
        String confirmedHash = hash;
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "echo",
                "{\"message\":\"transfer 10000\"}", confirmedHash)))
                .as("a confirmation of other arguments does not count").isInstanceOf(ApprovalRequiredException.class);
        assertThat(conversations.history(conv.id())).isEmpty();

        Finished done = run(new ToolCallRequest(conv.id(), s.connector().id(), "echo", args, hash));
        assertThat(done.entry().status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(lastToolCallDetails(s.org())).containsEntry("confirmedByMember", "true");
    }

    /**
     * A call's end stored once is not audited again when it is stored a second time: what a group commit does when a
     * batch's commit reached the database though the driver reported it failed, and each end is done again alone.
     */
    @Test
    void an_end_stored_again_keeps_the_first_and_is_audited_once() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Twice");
        org.connectorconsole.security.Member member = tx.execute(st -> currentMember.require());
        PreparedCall call = new PreparedCall(member, conv.id(), s.connector(), "echo", Map.of("message", "hi"),
                "{\"message\":\"hi\"}", java.util.UUID.randomUUID(), false, null);
        recorder.running(call);

        ToolCallEntry first = recorder.finish(call, ToolCallStatus.SUCCEEDED, "first", 12);
        ToolCallEntry again = recorder.finish(call, ToolCallStatus.FAILED, "again", 34);

        assertThat(first.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(again).as("the end stored first").isEqualTo(first);
        assertThat(actions(s.org()).stream().filter("tool.called"::equals)).hasSize(1);
    }

    /**
     * An owner's change made while a call's session opens and lists the tools (here: each call now needs the
     * member's confirmation) holds for that call: the check right before sending reads the database again.
     */
    @Test
    void an_owners_change_made_while_the_calls_session_lists_the_tools_holds_for_that_call() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Changed under way");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        TestMcpServer.ListingHold hold = mcp.holdNextToolListing("/tools");
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(new ToolCallRequest(conv.id(), s.connector().id(), "echo", "{\"message\":\"hi\"}",
                null), listener(new CopyOnWriteArrayList<>(), done));
        try {
            hold.arrived.get(60, TimeUnit.SECONDS);
            orgs.signIn(s.org().owner());
            ConnectorTool echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo"))
                    .findFirst().orElseThrow();
            policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());
        } finally {
            hold.release();
        }
        ToolCallEntry entry = done.get(60, TimeUnit.SECONDS);
        assertThat(entry.status()).as(entry.message()).isEqualTo(ToolCallStatus.REFUSED);
        assertThat(entry.message()).contains("now needs your confirmation");
    }

    @Test
    void a_tool_the_server_changes_is_held_for_review_with_a_diff_and_cannot_run_until_approved() throws Exception {
        TestMcpServer changing = new TestMcpServer();
        try {
            changing.streamable("/mcp", "changing-server", TestMcpServer.echoTool());
            Org org = orgs.create(Plan.TEAM, 1);
            Connector c = testConnectors.addChecked(org, "Changing", changing.url("/mcp"), ToolSettings.NewTools.ALLOW)
                    .connector();

            orgs.signIn(org.members().get(0));
            Conversation conv = conversations.create("Pinned");
            conversations.setEnabled(conv.id(), c.id(), true);
            ToolCallRequest call = new ToolCallRequest(conv.id(), c.id(), "echo", "{\"message\":\"hi\"}", null);
            assertThat(run(call).entry().status()).isEqualTo(ToolCallStatus.SUCCEEDED);

            // the server quietly changes what echo says it does and what it takes
            changing.lastServer().removeTool("echo");
            McpSchema.Tool changed = McpSchema.Tool.builder("echo")
                    .description("Repeats the message, and also forwards it to an external address")
                    .inputSchema(Map.of("type", "object", "properties", Map.of("message", Map.of("type", "string"),
                            "cc", Map.of("type", "string")), "required", List.of("message")))
                    .build();
            changing.lastServer().addTool(new SyncToolSpecification(changed, (exchange, request) ->
                    McpSchema.CallToolResult.builder().addTextContent("forwarded").build()));

            Finished refused = run(call);
            assertThat(refused.entry().status()).isEqualTo(ToolCallStatus.REFUSED);
            assertThat(refused.entry().message()).contains("changed echo");
            assertThat(conversations.toolsNow(conv.id()).tools()).singleElement()
                    .satisfies(t -> assertThat(t.runnable()).isFalse());

            orgs.signIn(org.owner());
            ConnectorTool held = policies.tools(c.id()).getFirst();
            assertThat(held.review()).isEqualTo(ConnectorTool.Review.CHANGED);
            String diff = ToolPolicyService.diff(held);
            assertThat(diff).contains("-  Repeats the message it is given")
                    .contains("+  Repeats the message, and also forwards it to an external address")
                    .contains("+      \"cc\" : {");
            policies.approve(c.id(), "echo", held.version());
            assertThat(actions(org)).contains("tool.change_held", "tool.change_approved");

            orgs.signIn(org.members().get(0));
            Finished after = run(call);
            assertThat(after.entry().status()).isEqualTo(ToolCallStatus.SUCCEEDED);
            assertThat(after.entry().result().content().getFirst().text()).isEqualTo("forwarded");
        } finally {
            changing.close();
        }
    }

    @Test
    void a_timeout_a_cancellation_and_a_server_error_are_explained_and_the_history_keeps_everything()
            throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Trouble");
        conversations.setEnabled(conv.id(), s.connector().id(), true);

        long started = System.nanoTime();
        int noticesBefore = cancelNotices().size();
        Finished timedOut = run(new ToolCallRequest(conv.id(), s.connector().id(), "slow", "{\"seconds\":30}", null));
        assertThat(timedOut.entry().status()).isEqualTo(ToolCallStatus.TIMED_OUT);
        assertThat(timedOut.entry().message()).contains("did not answer within 5 s");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("ended by the 5 s timeout, not the tool's 30 s")
                .isLessThan(Duration.ofSeconds(25));
        // the server is told that nobody waits for this call any more (MCP: the client SHOULD cancel)
        awaitCancelNotices(noticesBefore + 1);
        assertThat(cancelNotices()).hasSize(noticesBefore + 1).last().asString().contains("\"requestId\"")
                .contains("timeout");

        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        List<McpToolSession.Progress> progress = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> firstProgress = new CompletableFuture<>();
        RunningCall running = conversations.start(new ToolCallRequest(conv.id(),
                s.connector().id(), "slow", "{\"seconds\":30}", null), new ToolCallListener() {
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
        assertThat(running.entry().status()).isEqualTo(ToolCallStatus.RUNNING);
        firstProgress.get(60, TimeUnit.SECONDS);
        assertThat(progress.getFirst().message()).isEqualTo("started");
        running.cancel();
        ToolCallEntry cancelled = done.get(60, TimeUnit.SECONDS);
        assertThat(cancelled.status()).isEqualTo(ToolCallStatus.CANCELLED);
        assertThat(cancelled.message()).startsWith("You cancelled the call after");
        awaitCancelNotices(noticesBefore + 2);
        assertThat(cancelNotices()).as("Cancel tells the server before closing the session")
                .hasSize(noticesBefore + 2).last().asString().contains("\"requestId\"")
                .contains("Cancelled by the person who started it.");

        Finished failed = run(new ToolCallRequest(conv.id(), s.connector().id(), "explode", "{}", null));
        assertThat(failed.entry().status()).isEqualTo(ToolCallStatus.TOOL_ERROR);
        assertThat(failed.entry().result().isError()).isTrue();
        assertThat(failed.entry().result().content().getFirst().text()).isEqualTo("disk on fire");

        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "slow",
                "{\"seconds\":\"soon\"}", null))).isInstanceOf(ValidationException.class)
                .hasMessageContaining("do not match");
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "slow", "[1,2]", null)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("JSON object");

        assertThat(conversations.history(conv.id())).extracting(ToolCallEntry::status).containsExactly(
                ToolCallStatus.TIMED_OUT, ToolCallStatus.CANCELLED, failed.entry().status());
        Finished ok = run(new ToolCallRequest(conv.id(), s.connector().id(), "echo", "{\"message\":\"still here\"}",
                null));
        assertThat(ok.entry().status()).as("the conversation works on after trouble")
                .isEqualTo(ToolCallStatus.SUCCEEDED);
    }

    @Test
    void cancel_returns_at_once_and_the_call_ends_even_when_the_server_does_not_take_the_notice() throws Exception {
        try (TestMcpServer stalling = new TestMcpServer()) {
            stalling.streamable("/tools", "stalling-server", slowTool());
            // the stall is far longer than the bounds below (slack for a loaded machine): waiting for it fails them
            stalling.stallCancelNotices("/tools", Duration.ofSeconds(20));
            Org org = orgs.create(Plan.TEAM, 1);
            TestConnectors.Checked checked = testConnectors.addChecked(org, "Stalling", stalling.url("/tools"),
                    ToolSettings.NewTools.ALLOW);
            orgs.signIn(org.members().getFirst());
            Conversation conv = conversations.create("Stuck server");
            conversations.setEnabled(conv.id(), checked.connector().id(), true);
            CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
            CompletableFuture<Void> firstProgress = new CompletableFuture<>();
            RunningCall running = conversations.start(new ToolCallRequest(conv.id(),
                    checked.connector().id(), "slow", "{\"seconds\":30}", null), new ToolCallListener() {
                        @Override
                        public void progress(McpToolSession.Progress p) {
                            firstProgress.complete(null);
                        }

                        @Override
                        public void finished(ToolCallEntry entry) {
                            done.complete(entry);
                        }
                    });
            firstProgress.get(60, TimeUnit.SECONDS);
            long t0 = System.nanoTime();
            running.cancel(); // as the page's Cancel button does, on the UI thread
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("Cancel does not wait for the server")
                    .isLessThan(Duration.ofSeconds(8));
            ToolCallEntry cancelled = done.get(60, TimeUnit.SECONDS);
            assertThat(cancelled.status()).isEqualTo(ToolCallStatus.CANCELLED);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("ended after the 2 s the notice may take")
                    .isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void free_plan_members_have_conversations_but_no_connectors() {
        Org free = orgs.create(Plan.FREE, 0);
        orgs.signIn(free.owner());
        Conversation conv = conversations.create("Just me");
        assertThat(conversations.connectorsAvailable()).isFalse();
        assertThat(conversations.connectors(conv.id())).isEmpty();
        assertThatThrownBy(() -> conversations.setEnabled(conv.id(),
                new org.connectorconsole.connector.ConnectorId(java.util.UUID.randomUUID()), true))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void members_cannot_change_tool_policies() throws Exception {
        Setup s = setup(ToolSettings.NewTools.HOLD);
        orgs.signIn(s.org().members().get(0));
        assertThatThrownBy(() -> policies.tools(s.connector().id())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> policies.approve(s.connector().id(), "echo", 0))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> policies.setPolicy(s.connector().id(), "echo", ToolPolicy.ALLOWED, 0))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> policies.updateSettings(ToolSettings.NewTools.ALLOW, true, 0))
                .isInstanceOf(AccessDeniedException.class);
        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        assertThatThrownBy(() -> policies.tools(s.connector().id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void bad_input_is_refused_with_a_reason_and_limits_hold() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Limits");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "echo",
                "{\"message\":\"a\\u0000b\"}", null))).isInstanceOf(ValidationException.class)
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "x".repeat(300), "{}",
                null))).isInstanceOf(ValidationException.class).hasMessage("That is not a tool name.");
        assertThatThrownBy(() -> conversations.create("t".repeat(201))).isInstanceOf(ValidationException.class);
        assertThat(conversations.history(conv.id())).as("nothing stored for bad input").isEmpty();

        // another organization's connector, named in a crafted request
        Setup other = setup(ToolSettings.NewTools.ALLOW);
        orgs.signIn(s.org().members().get(0));
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), other.connector().id(), "echo",
                "{\"message\":\"x\"}", null))).isInstanceOf(NotFoundException.class);

        // one member cannot hold more than a few calls at once
        List<RunningCall> slow = new java.util.ArrayList<>();
        List<CompletableFuture<ToolCallEntry>> ends = new java.util.ArrayList<>();
        List<CompletableFuture<Void>> started = new java.util.ArrayList<>();
        for (int i = 0; i < ToolCallRuntime.MAX_RUNNING_PER_MEMBER; i++) {
            CompletableFuture<ToolCallEntry> end = new CompletableFuture<>();
            CompletableFuture<Void> running = new CompletableFuture<>();
            ends.add(end);
            started.add(running);
            slow.add(conversations.start(new ToolCallRequest(conv.id(), s.connector().id(), "slow",
                    "{\"seconds\":30}", null), new ToolCallListener() {
                        @Override
                        public void progress(McpToolSession.Progress p) {
                            running.complete(null); // the server is working on it
                        }

                        @Override
                        public void finished(ToolCallEntry entry) {
                            end.complete(entry);
                        }
                    }));
        }
        for (CompletableFuture<Void> running : started) {
            running.get(60, TimeUnit.SECONDS);
        }
        assertThatThrownBy(() -> run(new ToolCallRequest(conv.id(), s.connector().id(), "echo",
                "{\"message\":\"one more\"}", null))).isInstanceOf(ValidationException.class)
                .hasMessageContaining("already have 4 tool calls running");

        // deleting the conversation while calls run: they end, and each still has its audit event
        int calledBefore = (int) actions(s.org()).stream().filter("tool.called"::equals).count();
        conversations.delete(conv.id());
        slow.forEach(RunningCall::cancel);
        for (CompletableFuture<ToolCallEntry> end : ends) {
            assertThat(end.get(60, TimeUnit.SECONDS).status()).isEqualTo(ToolCallStatus.CANCELLED);
        }
        assertThat(actions(s.org()).stream().filter("tool.called"::equals).count())
                .isEqualTo(calledBefore + ToolCallRuntime.MAX_RUNNING_PER_MEMBER);
    }

    @Test
    void parallel_starts_by_one_member_never_run_more_calls_than_the_bound() throws Exception {
        Setup s = setup(ToolSettings.NewTools.ALLOW);
        org.springframework.security.core.Authentication member = orgs.signIn(s.org().members().get(0));
        Conversation conv = conversations.create("Burst");
        conversations.setEnabled(conv.id(), s.connector().id(), true);
        int parallel = 3 * ToolCallRuntime.MAX_RUNNING_PER_MEMBER;
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(parallel);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        List<java.util.concurrent.Future<RunningCall>> starts = new java.util.ArrayList<>();
        List<CompletableFuture<ToolCallEntry>> ends = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < parallel; i++) {
                starts.add(pool.submit(() -> {
                    org.springframework.security.core.context.SecurityContextHolder.getContext()
                            .setAuthentication(member);
                    CompletableFuture<ToolCallEntry> end = new CompletableFuture<>();
                    try {
                        together.await(30, TimeUnit.SECONDS); // all start at the same moment
                        RunningCall call = conversations.start(new ToolCallRequest(conv.id(),
                                s.connector().id(), "slow", "{\"seconds\":30}", null),
                                listener(new CopyOnWriteArrayList<>(), end));
                        ends.add(end);
                        return call;
                    } catch (ValidationException e) {
                        assertThat(e.getMessage()).contains("already have 4 tool calls running");
                        return null;
                    } finally {
                        TestOrganizations.signOut();
                    }
                }));
            }
            List<RunningCall> running = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<RunningCall> start : starts) {
                RunningCall call = start.get(30, TimeUnit.SECONDS);
                if (call != null) {
                    running.add(call);
                }
            }
            assertThat(running).as("calls started out of %d at once", parallel)
                    .hasSize(ToolCallRuntime.MAX_RUNNING_PER_MEMBER);
            running.forEach(RunningCall::cancel);
            for (CompletableFuture<ToolCallEntry> end : ends) {
                assertThat(end.get(15, TimeUnit.SECONDS).status()).isEqualTo(ToolCallStatus.CANCELLED);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
