package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.GATEWAY_RATE;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupService;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * What the gateway added to close issue 18's protocol gaps (decision 0073), as the MCP Java SDK's clients of both
 * revisions see it against real upstream servers: a tool that needs approval asks a 2026-07-28 client by an input
 * request and runs only when the member accepts; {@code completion/complete} passes through for the member's
 * prompts and resource templates and refuses a connector the member may not use; {@code logging/setLevel} is
 * accepted; and a 2025-11-25 client hears {@code notifications/resources|prompts/list_changed} when a switch in its
 * conversation changes what it may read.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // the same context as GatewayTest
        properties = {"console.tools.max-concurrent=62", "console.gateway.list-changed-check=PT0.5S"})
@ActiveProfiles("test")
class GatewayProtocolGapsTest {

    static TestMcpServer mcp;

    @Autowired
    GatewayFixture fixture;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConnectorAccessService access;
    @Autowired
    GroupService groups;
    @Autowired
    ConversationService conversations;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer()
                .withResourcesAndPrompts("/notes", "notes", TestMcpServer.echoTool())
                .withResourcesAndPrompts("/secret", "secret", TestMcpServer.echoTool())
                .recordMessages("/notes");
    }

    @AfterAll
    static void stop() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** The echo tool's calls the upstream server received with this message. */
    private static long callsUpstream(String message) {
        return mcp.received().stream().filter(m -> m.contains("\"tools/call\"") && m.contains(message)).count();
    }

    /** A member whose Notes (no sign-in) is approved; Secret is only for a group the member is not in. */
    GatewayFixture.Endpoint memberWithNotesButNotSecret() throws Exception {
        Org org = fixture.organizationWithGatewayOn(2);
        Connector secret = testConnectors.addChecked(org, "Secret", mcp.url("/secret"), ToolSettings.NewTools.ALLOW)
                .connector();
        orgs.signIn(org.owner());
        Group board = groups.create("Board");
        access.setAudience(secret.id(), false, List.of(board.id()), access.settings(secret.id()).version());
        Connector notes = fixture.approvedConnector(org, "Notes", mcp.url("/notes"));
        GatewayFixture.Endpoint endpoint = fixture.endpoint(org, notes, org.members().getFirst(), "my agent", 1);
        TestOrganizations.signOut();
        return endpoint;
    }

    @Test
    void a_2026_07_28_client_is_asked_by_an_input_request_and_the_call_runs_only_when_the_member_accepts()
            throws Exception {
        GatewayFixture.Endpoint s = memberWithNotesButNotSecret();
        orgs.signIn(s.org().owner());
        var echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                .orElseThrow();
        policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());
        TestOrganizations.signOut();

        LinkedBlockingQueue<String> asked = new LinkedBlockingQueue<>();
        var accepting = GatewayClients.modern(fixture.base(), s.path(), s.token(), "modern-asking", form -> {
            asked.add(form.message() + " | " + form.requestedSchema());
            return io.modelcontextprotocol.modern.McpSchema.ElicitResult.accept(Map.of("confirm", true));
        });
        var result = accepting.tool("notes__echo").arguments(Map.of("message", "modern-confirmed")).call();
        assertThat(result.isError()).as(String.valueOf(result.content())).isNotEqualTo(Boolean.TRUE);
        assertThat(result.content()).extracting("text").containsExactly("modern-confirmed");
        // the member was asked once, with the arguments, and the call reached the server once
        assertThat(asked).singleElement().satisfies(q -> assertThat(q).contains("modern-confirmed")
                .contains("Run echo of Notes with these arguments"));
        assertThat(callsUpstream("modern-confirmed")).isEqualTo(1);

        // declined: a clear tool error, nothing sent upstream
        var declining = GatewayClients.modern(fixture.base(), s.path(), s.token(), "modern-declining",
                form -> io.modelcontextprotocol.modern.McpSchema.ElicitResult.decline());
        var declined = declining.tool("notes__echo").arguments(Map.of("message", "modern-declined")).call();
        assertThat(declined.isError()).isTrue();
        assertThat(declined.content()).extracting("text").singleElement().asString()
                .contains("You did not confirm the call of echo").contains("nothing was called");
        // a client that accepts but leaves "confirm" unticked is not taken as a yes
        var unticked = GatewayClients.modern(fixture.base(), s.path(), s.token(), "modern-unticked",
                form -> io.modelcontextprotocol.modern.McpSchema.ElicitResult.accept(Map.of("confirm", false)));
        assertThat(unticked.tool("notes__echo").arguments(Map.of("message", "modern-declined")).call().isError())
                .isTrue();
        // a client without elicitation: told where to approve, as on 2025-11-25
        var plain = GatewayClients.modern(fixture.base(), s.path(), s.token(), "modern-plain");
        var cannot = plain.tool("notes__echo").arguments(Map.of("message", "modern-declined")).call();
        assertThat(cannot.isError()).isTrue();
        assertThat(cannot.content()).extracting("text").singleElement().asString().contains("elicitation")
                .contains(fixture.base() + "/conversations");
        assertThat(callsUpstream("modern-declined")).isZero();

        // a request state made for other arguments does not confirm these: the member is asked again
        var first = (io.modelcontextprotocol.modern.McpSchema.InputRequiredResult) plainWithForm(s)
                .tool("notes__echo").arguments(Map.of("message", "shown-to-member")).callOnce();
        var swapped = plainWithForm(s).tool("notes__echo").arguments(Map.of("message", "modern-swapped"))
                .requestState(first.requestState())
                .inputResponses(Map.of("confirm", Map.of("action", "accept", "content", Map.of("confirm", true))))
                .callOnce();
        assertThat(swapped).isInstanceOf(io.modelcontextprotocol.modern.McpSchema.InputRequiredResult.class);
        assertThat(callsUpstream("modern-swapped")).isZero();

        // audited as on 2025-11-25: the confirmed call, by the member, with the client's name
        assertThat(db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(s.org().id())
                .and(AUDIT_EVENT.ACTION.eq("tool.called"))).fetch(r -> r.value1().data()))
                .filteredOn(d -> d.contains("SUCCEEDED")).singleElement().satisfies(d -> assertThat(d).contains("modern-asking 2.0")
                        .contains("\"confirmedByMember\": \"true\"").contains("SUCCEEDED"));
    }

    @Test
    void the_round_that_only_asks_is_not_counted_by_the_owners_rate_limit() throws Exception {
        GatewayFixture.Endpoint s = memberWithNotesButNotSecret();
        fixture.switchOn(s.org(), 1); // one call per member and minute
        var echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                .orElseThrow();
        policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());
        TestOrganizations.signOut();

        var accepting = GatewayClients.modern(fixture.base(), s.path(), s.token(), "modern-limited",
                form -> io.modelcontextprotocol.modern.McpSchema.ElicitResult.accept(Map.of("confirm", true)));
        var result = accepting.tool("notes__echo").arguments(Map.of("message", "limited-confirmed")).call();
        // two rounds (the question, then the call), one call: the limit of one lets it through, counted once
        assertThat(result.isError()).as(String.valueOf(result.content())).isNotEqualTo(Boolean.TRUE);
        assertThat(callsUpstream("limited-confirmed")).isEqualTo(1);
        assertThat(db.select(org.jooq.impl.DSL.sum(GATEWAY_RATE.CALLS)).from(GATEWAY_RATE)
                .where(GATEWAY_RATE.ORG_ID.eq(s.org().id())
                        .and(GATEWAY_RATE.SUBJECT.eq("member:" + s.member().id().value())))
                .fetchOne(0, Integer.class)).isEqualTo(1);
    }

    /** A 2026-07-28 client that declares form elicitation, for requests made one round at a time. */
    private io.modelcontextprotocol.modern.client.McpSyncClient plainWithForm(GatewayFixture.Endpoint s) {
        return GatewayClients.modern(fixture.base(), s.path(), s.token(), "modern-rounds",
                form -> io.modelcontextprotocol.modern.McpSchema.ElicitResult.cancel());
    }

    @Test
    void completions_pass_through_on_both_revisions_for_connectors_the_member_may_use_only() throws Exception {
        GatewayFixture.Endpoint s = memberWithNotesButNotSecret();
        try (McpSyncClient client = fixture.client(s, "completing")) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().completions()).isNotNull();
            assertThat(init.capabilities().logging()).isNotNull();
            client.setLoggingLevel(McpSchema.LoggingLevel.WARNING);

            assertThat(client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("notes__summarize"),
                    new McpSchema.CompleteRequest.CompleteArgument("topic", "we"))).completion().values())
                    .containsExactly("week", "weekend");
            // a template names the ref its upstream arguments complete by
            McpSchema.ResourceTemplate template = client.listResourceTemplates().resourceTemplates().getFirst();
            String ref = String.valueOf(template.meta().get(GatewayPassThrough.COMPLETION_REF));
            assertThat(ref).isEqualTo(GatewayPassThrough.wrap("notes", "file:///notes/{day}.md"));
            assertThat(client.completeCompletion(new McpSchema.CompleteRequest(new McpSchema.ResourceReference(ref),
                    new McpSchema.CompleteRequest.CompleteArgument("day", "t"))).completion().values())
                    .containsExactly("tuesday");

            // the connector the member may not use is refused, though its server would answer
            assertThatThrownBy(() -> client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference("secret__summarize"),
                    new McpSchema.CompleteRequest.CompleteArgument("topic", "we"))))
                    .isInstanceOf(McpError.class).hasMessageContaining("Unknown prompt");
            assertThatThrownBy(() -> client.completeCompletion(new McpSchema.CompleteRequest(
                    new McpSchema.ResourceReference(GatewayPassThrough.wrap("secret", "file:///notes/{day}.md")),
                    new McpSchema.CompleteRequest.CompleteArgument("day", "t"))))
                    .isInstanceOf(McpError.class).hasMessageContaining("Unknown resource template");
        }

        var modern = fixture.modernClient(s, "modern-completing");
        assertThat(modern.discover().capabilities().completions()).isNotNull();
        assertThat(modern.completion(new io.modelcontextprotocol.modern.McpSchema.PromptReference("notes__summarize"),
                "topic", "w").complete().completion().values()).containsExactly("week", "weekend", "winter");
        String modernRef = String.valueOf(modern.resourceTemplates().list().resourceTemplates().getFirst().meta()
                .get(GatewayPassThrough.COMPLETION_REF));
        assertThat(modernRef).isEqualTo(GatewayPassThrough.wrap("notes", "file:///notes/{day}.md"));
        assertThat(modern.completion(new io.modelcontextprotocol.modern.McpSchema.ResourceReference(modernRef), "day",
                "mo").complete().completion().values()).containsExactly("monday");
        assertThatThrownBy(() -> modern.completion(new io.modelcontextprotocol.modern.McpSchema.PromptReference(
                "secret__summarize"), "topic", "w").complete()).hasMessageContaining("Unknown prompt");
    }

    @Test
    void a_switch_in_the_conversation_reaches_a_connected_client_as_resources_and_prompts_list_changed()
            throws Exception {
        GatewayFixture.Endpoint s = memberWithNotesButNotSecret();
        orgs.signIn(s.member());
        Conversation conv = conversations.create("Notes talk");
        String path = GatewayEndpoints.conversationPath(conv.id().value());
        LinkedBlockingQueue<List<String>> resources = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<List<String>> prompts = new LinkedBlockingQueue<>();
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(fixture.base())
                .endpoint(path)
                .httpRequestCustomizer((request, method, uri, body, context) -> request.header("Authorization",
                        "Bearer " + s.token()))
                .build();
        try (McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("listening", "1.0"))
                .requestTimeout(Duration.ofSeconds(60))
                .resourcesChangeConsumer(r -> resources.add(r.stream().map(McpSchema.Resource::uri).toList()))
                .promptsChangeConsumer(p -> prompts.add(p.stream().map(McpSchema.Prompt::name).toList()))
                .build()) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().resources().listChanged()).isTrue();
            assertThat(init.capabilities().prompts().listChanged()).isTrue();
            assertThat(client.listResources().resources()).isEmpty();
            assertThat(client.listPrompts().prompts()).isEmpty();

            conversations.setEnabled(conv.id(), s.connector().id(), true);
            // the SDK's client lists again on the notice and hands over the new lists
            assertThat(resources.poll(30, TimeUnit.SECONDS)).as("resources/list_changed after the switch")
                    .containsExactly(GatewayPassThrough.wrap("notes", "file:///notes/today.md"));
            assertThat(prompts.poll(30, TimeUnit.SECONDS)).as("prompts/list_changed after the switch")
                    .containsExactly("notes__summarize");

            conversations.setEnabled(conv.id(), s.connector().id(), false);
            assertThat(prompts.poll(30, TimeUnit.SECONDS)).as("prompts/list_changed after switching off").isEmpty();
        }
    }
}
