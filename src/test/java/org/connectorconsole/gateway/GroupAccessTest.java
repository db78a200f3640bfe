package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.EffectiveMode;
import org.connectorconsole.connector.MemberTools;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.conversation.ApprovalRequiredException;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRequest;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.conversation.ToolRefusedException;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupService;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Groups deciding who may use a connector and how (issue 20), against a real MCP server and the console's own
 * gateway: scoping seen by a member inside and one outside the group (their page, connecting, the tool runner, the
 * gateway's listing); the effective mode and its reason for a member in two groups, capped by the ceiling; the
 * read-only setting; and the kill switch stopping a running call and refusing new ones in the tool runner and the
 * gateway.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // calls may run for a minute here: the kill switch, not the timeout, must be what ends the held call
        properties = {"console.tools.call-timeout=60s"})
@ActiveProfiles("test")
class GroupAccessTest {

    static TestMcpServer mcp;
    /** Each call of "hold" reports here when it starts, then waits for {@link #release}. */
    static final LinkedBlockingQueue<String> entered = new LinkedBlockingQueue<>();
    static volatile CountDownLatch release = new CountDownLatch(1);

    @LocalServerPort
    int port;
    @Autowired
    GatewayFixture fixture;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectorAccessService access;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    GroupService groups;
    @Autowired
    ConnectionService connections;
    @Autowired
    ConversationService conversations;
    @Autowired
    DSLContext db;
    @Autowired
    org.connectorconsole.connector.ToolAccess toolAccess;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer().streamable("/files", "files", TestMcpServer.echoTool(), lookupTool(), holdTool());
    }

    @AfterAll
    static void stop() {
        release.countDown();
        mcp.close();
    }

    @AfterEach
    void signOut() {
        release.countDown();
        TestOrganizations.signOut();
    }

    static SyncToolSpecification lookupTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("lookup").description("Reads a record")
                .inputSchema(Map.of("type", "object", "properties", Map.of()))
                .annotations(new McpSchema.ToolAnnotations("Lookup", true, false, true, false, null)).build();
        return new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                .addTextContent("found").build());
    }

    static SyncToolSpecification holdTool() {
        McpSchema.Tool tool = McpSchema.Tool.builder("hold").description("Works until released")
                .inputSchema(Map.of("type", "object", "properties", Map.of())).build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            entered.add("hold");
            try {
                release.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return McpSchema.CallToolResult.builder().addTextContent("released").build();
        });
    }

    /** A Team organization with the connector; Ada is in Engineering and Sales, Bob in no group. */
    record Setup(Org org, Connector connector, Person ada, Person bob, Group engineering, Group sales) {
    }

    Setup setup() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector files = testConnectors.addChecked(org, "Files", mcp.url("/files"), ToolSettings.NewTools.ALLOW)
                .connector();
        orgs.signIn(org.owner());
        Group engineering = groups.create("Engineering");
        Group sales = groups.create("Sales");
        Person ada = org.members().get(0);
        Person bob = org.members().get(1);
        groups.addMember(engineering.id(), ada.id());
        groups.addMember(sales.id(), ada.id());
        var settings = access.settings(files.id());
        access.setAudience(files.id(), false, List.of(engineering.id(), sales.id()), settings.version());
        TestOrganizations.signOut();
        return new Setup(org, connectors(org, files), ada, bob, engineering, sales);
    }

    private Connector connectors(Org org, Connector c) {
        orgs.signIn(org.owner());
        try {
            return connectors.get(c.id());
        } finally {
            TestOrganizations.signOut();
        }
    }

    private static ToolCallListener listener(CompletableFuture<ToolCallEntry> done) {
        return new ToolCallListener() {
            @Override
            public void progress(org.connectorconsole.mcp.McpToolSession.Progress progress) {
            }

            @Override
            public void finished(ToolCallEntry entry) {
                done.complete(entry);
            }
        };
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> ((McpSchema.TextContent) c).text()).reduce("", String::concat);
    }

    @Test
    void a_member_outside_the_groups_neither_sees_nor_connects_nor_calls_and_the_gateway_offers_them_nothing()
            throws Exception {
        Setup s = setup();
        orgs.signIn(s.ada());
        assertThat(connections.list()).extracting(MemberConnector::name).containsExactly("Files");
        Conversation adas = conversations.create("Ada's");
        conversations.setEnabled(adas.id(), s.connector().id(), true);

        orgs.signIn(s.bob());
        assertThat(connections.list()).as("Bob's page").isEmpty();
        assertThatThrownBy(() -> connections.connect(s.connector().id(), "/settings/connectors"))
                .as("checked in the service, not only hidden").isInstanceOf(NotFoundException.class);
        Conversation bobsTalk = conversations.create("Bob's");
        assertThat(conversations.connectors(bobsTalk.id())).as("Bob's conversation switches").isEmpty();
        assertThatThrownBy(() -> conversations.setEnabled(bobsTalk.id(), s.connector().id(), true))
                .isInstanceOf(NotFoundException.class);
        MemberTools bobs = access.myTools();
        assertThat(bobs.offered(s.connector().id())).isFalse();
        assertThat(bobs.tools(s.connector().id())).isNotEmpty()
                .allSatisfy(t -> assertThat(t.mode().usable()).as(t.name()).isFalse());

        // the gateway: Ada's client sees the tools, Bob's none of them, and Bob's call by name is refused
        fixture.switchOn(s.org(), null);
        String adaToken = fixture.token(s.ada(), "ada's agent", 30);
        String bobToken = fixture.token(s.bob(), "bob's agent", 30);
        TestOrganizations.signOut();
        try (McpSyncClient ada = GatewayClients.java(base(), GatewayEndpoints.memberPath(s.org().id(), s.ada().id()),
                adaToken, "ada-agent");
                McpSyncClient bob = GatewayClients.java(base(), GatewayEndpoints.memberPath(s.org().id(),
                        s.bob().id()), bobToken, "bob-agent")) {
            ada.initialize();
            bob.initialize();
            assertThat(ada.listTools().tools()).extracting(McpSchema.Tool::name)
                    .contains("files__echo", "files__lookup", "files__hold");
            assertThat(bob.listTools().tools()).as("the gateway does not offer Bob the connector").isEmpty();
            McpSchema.CallToolResult refused = bob.callTool(new McpSchema.CallToolRequest("files__echo",
                    Map.of("message", "let me in")));
            assertThat(refused.isError()).as("refused by the tool runner the gateway calls through").isTrue();
            assertThat(text(refused)).contains("only to chosen groups").doesNotContain("let me in");
            assertThat(text(ada.callTool(new McpSchema.CallToolRequest("files__echo", Map.of("message", "hi")))))
                    .isEqualTo("hi");
        }
    }

    /**
     * The standing with one connector, read in one statement (what every call reads, decision 0072), is the standing
     * the three statements for all connectors read: each tool's mode and reason (the grants' order decides which
     * group a reason names), whether the connector is offered, for a member in two groups and one in none; a
     * connector of another organization is not offered.
     */
    @Test
    void one_connectors_standing_in_one_statement_is_the_same_as_with_every_connector() throws Exception {
        Setup s = setup();
        orgs.signIn(s.org().owner());
        var settings = access.settings(s.connector().id());
        access.setRules(s.connector().id(), ToolPolicy.ALLOWED, ToolPolicy.BLOCKED, true, settings.version());
        access.setGrant(s.connector().id(), s.engineering().id(), null, ToolPolicy.ALLOWED);
        access.setGrant(s.connector().id(), s.sales().id(), "", ToolPolicy.NEEDS_APPROVAL);
        access.setGrant(s.connector().id(), s.sales().id(), "hold", ToolPolicy.BLOCKED);
        var echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                .orElseThrow();
        policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());
        TestOrganizations.signOut();
        for (var person : List.of(s.ada(), s.bob())) {
            MemberTools all = toolAccess.forMember(s.org().id(), person.id());
            MemberTools one = toolAccess.forConnector(s.org().id(), person.id(), s.connector().id());
            assertThat(one.offered(s.connector().id())).isEqualTo(all.offered(s.connector().id()));
            assertThat(one.tools(s.connector().id())).isEqualTo(all.tools(s.connector().id())).isNotEmpty();
            for (String tool : List.of("echo", "hold", "lookup", "no-such-tool")) {
                assertThat(one.mode(s.connector().id(), tool)).isEqualTo(all.mode(s.connector().id(), tool));
            }
        }
        assertThat(toolAccess.forConnector(s.org().id(), s.ada().id(), s.connector().id())
                .mode(s.connector().id(), "echo").reason()).contains("the most permissive grant wins over Sales");
        Org other = orgs.create(Plan.TEAM, 1);
        assertThat(toolAccess.forConnector(other.id(), other.members().get(0).id(), s.connector().id())
                .offered(s.connector().id())).isFalse();
    }

    @Test
    void a_member_in_two_groups_gets_the_most_permissive_grant_capped_by_the_ceiling_and_sees_why() throws Exception {
        Setup s = setup();
        orgs.signIn(s.org().owner());
        var settings = access.settings(s.connector().id());
        // nobody gets anything without a group's grant; read-only tools are allowed
        access.setRules(s.connector().id(), ToolPolicy.ALLOWED, ToolPolicy.BLOCKED, true, settings.version());
        access.setGrant(s.connector().id(), s.engineering().id(), null, ToolPolicy.ALLOWED);
        access.setGrant(s.connector().id(), s.sales().id(), "", ToolPolicy.NEEDS_APPROVAL);
        access.setGrant(s.connector().id(), s.sales().id(), "hold", ToolPolicy.BLOCKED);
        // the organization's ceiling for echo (the owner's tool policy)
        var echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                .orElseThrow();
        policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());

        ConnectorAccessService.Explanation forAda = access.explain(s.connector().id(), s.ada().id());
        assertThat(forAda.offered()).isTrue();
        Map<String, EffectiveMode> modes = new java.util.HashMap<>();
        forAda.tools().forEach(t -> modes.put(t.name(), t.mode()));
        assertThat(modes.get("echo")).isEqualTo(new EffectiveMode(ToolPolicy.NEEDS_APPROVAL, "Allowed for "
                + "Engineering, capped at Needs approval by the organization (the most permissive grant wins over "
                + "Sales: Needs approval)."));
        assertThat(modes.get("hold")).isEqualTo(new EffectiveMode(ToolPolicy.ALLOWED, "Allowed for Engineering "
                + "(the most permissive grant wins over Sales: Blocked)."));
        assertThat(modes.get("lookup").mode()).isEqualTo(ToolPolicy.ALLOWED);
        ConnectorAccessService.Explanation forBob = access.explain(s.connector().id(), s.bob().id());
        assertThat(forBob.offered()).isFalse();
        assertThat(forBob.tools()).allSatisfy(t -> assertThat(t.mode().usable()).isFalse());

        // the same function decides the member's page and the tool runner
        orgs.signIn(s.ada());
        MemberTools mine = access.myTools();
        assertThat(mine.mode(s.connector().id(), "echo")).isEqualTo(modes.get("echo"));
        Conversation c = conversations.create("Two groups");
        conversations.setEnabled(c.id(), s.connector().id(), true);
        assertThatThrownBy(() -> conversations.start(new ToolCallRequest(c.id(), s.connector().id(), "echo",
                "{\"message\":\"hi\"}", null), listener(new CompletableFuture<>())))
                .isInstanceOf(ApprovalRequiredException.class).hasMessageContaining("capped at Needs approval");

        // Ada leaves Engineering: Sales' Needs approval is all she has for echo, and hold is blocked for her
        orgs.signIn(s.org().owner());
        groups.removeMember(s.engineering().id(), s.ada().id());
        orgs.signIn(s.ada());
        assertThat(access.myTools().mode(s.connector().id(), "hold")).isEqualTo(new EffectiveMode(
                ToolPolicy.BLOCKED, "Blocked for Sales."));
        assertThatThrownBy(() -> conversations.start(new ToolCallRequest(c.id(), s.connector().id(), "hold", "{}",
                null), listener(new CompletableFuture<>()))).isInstanceOf(ToolRefusedException.class)
                .hasMessageContaining("Blocked for Sales");
        // the read-only setting: lookup stays allowed through it, and not without it
        assertThat(access.myTools().mode(s.connector().id(), "lookup")).isEqualTo(new EffectiveMode(
                ToolPolicy.ALLOWED, "Allowed as a read-only tool (an owner allows read-only tools) (the most "
                        + "permissive grant wins over Sales: Needs approval)."));
        orgs.signIn(s.org().owner());
        settings = access.settings(s.connector().id());
        access.setRules(s.connector().id(), ToolPolicy.ALLOWED, ToolPolicy.BLOCKED, false, settings.version());
        orgs.signIn(s.ada());
        assertThat(access.myTools().mode(s.connector().id(), "lookup").mode()).isEqualTo(ToolPolicy.NEEDS_APPROVAL);

        assertThat(db.select(AUDIT_EVENT.ACTION).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(s.org().id()))
                .fetch(AUDIT_EVENT.ACTION)).contains("connector.audience_changed", "connector.access_changed",
                        "group.grant_changed");
    }

    @Test
    void the_kill_switch_stops_a_running_call_and_refuses_new_ones_in_the_tool_runner_and_the_gateway()
            throws Exception {
        Setup s = setup();
        release = new CountDownLatch(1);
        entered.clear();
        fixture.switchOn(s.org(), null);
        String adaToken = fixture.token(s.ada(), "ada's agent", 30);
        Conversation c = conversations.create("Long work");
        conversations.setEnabled(c.id(), s.connector().id(), true);

        // a call in the console's tool runner, and one through the gateway, both held by the server
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        RunningCall running = conversations.start(new ToolCallRequest(c.id(), s.connector().id(), "hold", "{}", null),
                listener(done));
        assertThat(running.entry().status()).isEqualTo(ToolCallStatus.RUNNING);
        assertThat(entered.poll(60, TimeUnit.SECONDS)).as("the server started the runner's call").isNotNull();
        TestOrganizations.signOut();
        try (McpSyncClient client = GatewayClients.java(base(), GatewayEndpoints.memberPath(s.org().id(),
                s.ada().id()), adaToken, "ada-agent")) {
            client.initialize();
            // on a thread of its own: the SDK's client hands its responses to the common pool, which a blocked
            // call must not occupy (on two cores it has one worker)
            java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
            CompletableFuture<McpSchema.CallToolResult> viaGateway = CompletableFuture.supplyAsync(
                    () -> client.callTool(new McpSchema.CallToolRequest("files__hold", Map.of())), caller);
            caller.shutdown();
            assertThat(entered.poll(60, TimeUnit.SECONDS)).as("the server started the gateway's call").isNotNull();

            orgs.signIn(s.org().owner());
            Connector now = connectors.get(s.connector().id());
            connectors.setEnabled(now.id(), now.version(), false);
            TestOrganizations.signOut();

            ToolCallEntry stopped = done.get(60, TimeUnit.SECONDS);
            assertThat(stopped.status()).isEqualTo(ToolCallStatus.CANCELLED);
            assertThat(stopped.message()).isEqualTo("Stopped by an owner: Files was disabled while the call was "
                    + "running.");
            McpSchema.CallToolResult gatewayResult = viaGateway.get(60, TimeUnit.SECONDS);
            assertThat(gatewayResult.isError()).isTrue();
            assertThat(text(gatewayResult)).contains("Stopped by an owner");
            assertThat(release.getCount()).as("stopped by the switch, not by the server finishing").isEqualTo(1);

            // new calls: refused in the tool runner and not offered or run by the gateway
            orgs.signIn(s.ada());
            assertThatThrownBy(() -> conversations.start(new ToolCallRequest(c.id(), s.connector().id(), "echo",
                    "{\"message\":\"again\"}", null), listener(new CompletableFuture<>())))
                    .hasMessageContaining("turned off by an owner");
            TestOrganizations.signOut();
            assertThat(client.listTools().tools()).isEmpty();
            McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("files__echo",
                    Map.of("message", "again")));
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).contains("turned off by an owner");
        }
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(s.org().id())
                .and(AUDIT_EVENT.ACTION.eq("connector.disabled")))).isEqualTo(1);
    }
}
