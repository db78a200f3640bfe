package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupService;
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
import org.springframework.test.context.ActiveProfiles;
import testpeers.TestAuthorizationServer;

/**
 * Resources and prompts of the upstream servers through the gateway (decision 0065), as a member's MCP client (the
 * Java SDK's) sees them: those of a connector the member signed in to, read and got with the member's own upstream
 * sign-in, namespaced; none of a connector the member may not use; and every read and get audited.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // the same context as GatewayTest (started after this class's authorization server)
        properties = {"console.tools.max-concurrent=62", "console.gateway.list-changed-check=PT0.5S"})
@ActiveProfiles("test")
class GatewayResourcesPromptsTest {

    static TestAuthorizationServer as;
    static TestMcpServer mcp;

    @Autowired
    GatewayFixture fixture;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    org.connectorconsole.support.TestConnectors testConnectors;
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
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer()
                .oauthProtectedWithResourcesAndPrompts("/notes", "notes", as.issuer(), "mcp", TestMcpServer.echoTool())
                .withResourcesAndPrompts("/secret", "secret", TestMcpServer.echoTool());
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

    /** A member connected to Notes, with a personal access token; Secret is for a group the member is not in. */
    GatewayFixture.Endpoint memberWithNotesButNotSecret() throws Exception {
        Org org = fixture.organizationWithGatewayOn(2);
        Connector secret = testConnectors.addChecked(org, "Secret", mcp.url("/secret"), ToolSettings.NewTools.ALLOW)
                .connector();
        // only a group the member is not in may use Secret
        orgs.signIn(org.owner());
        Group board = groups.create("Board");
        access.setAudience(secret.id(), false, List.of(board.id()), access.settings(secret.id()).version());
        Person member = org.members().get(0);
        Connector notes = fixture.connectedConnector(org, member, "Notes", mcp.url("/notes"));
        return fixture.endpoint(org, notes, member, "my agent", 30);
    }

    @Test
    void a_members_client_lists_reads_and_gets_through_the_gateway_and_sees_nothing_of_a_connector_it_may_not_use()
            throws Exception {
        GatewayFixture.Endpoint s = memberWithNotesButNotSecret();
        Org org = s.org();
        Connector notes = s.connector();
        String token = s.token();

        try (McpSyncClient client = fixture.client(s, "resource-client")) {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().resources()).isNotNull();
            assertThat(init.capabilities().prompts()).isNotNull();

            List<McpSchema.Resource> resources = client.listResources().resources();
            assertThat(resources).extracting(McpSchema.Resource::uri)
                    .containsExactly("console://notes/file%3A%2F%2F%2Fnotes%2Ftoday.md");
            McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest(
                    resources.get(0).uri()));
            assertThat(read.contents()).singleElement().satisfies(c -> {
                assertThat(c.uri()).isEqualTo(resources.get(0).uri());
                assertThat(((McpSchema.TextResourceContents) c).text()).isEqualTo("Buy milk");
            });

            assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name)
                    .containsExactly("notes__summarize");
            McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest("notes__summarize",
                    Map.of("topic", "the week")));
            assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                    .isEqualTo("Summarize the week.");

            // the connector the member may not use: absent, and refused when named
            assertThatThrownBy(() -> client.getPrompt(new McpSchema.GetPromptRequest("secret__summarize", Map.of())))
                    .isInstanceOf(McpError.class).hasMessageContaining("Unknown prompt");
            assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest(
                    "console://secret/file%3A%2F%2F%2Fnotes%2Ftoday.md")))
                    .isInstanceOf(McpError.class).hasMessageContaining("Unknown resource");
        }
        // the upstream server (which checks each token at the authorization server) saw the member's own upstream
        // token on every request, never the gateway's
        assertThat(mcp.authorizationsSeen()).isNotEmpty().allSatisfy(a -> assertThat(a).doesNotContain(token));
        assertThat(mcp.authorizationsSeen().getLast()).startsWith("Bearer ");

        var rows = db.select(AUDIT_EVENT.ACTION, AUDIT_EVENT.TARGET_ID, AUDIT_EVENT.DETAILS).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id()))
                .and(AUDIT_EVENT.ACTION.in("gateway.resource_read", "gateway.prompt_got"))
                .orderBy(AUDIT_EVENT.SEQ).fetch();
        assertThat(rows).extracting(r -> r.value1()).containsExactly("gateway.resource_read", "gateway.prompt_got");
        assertThat(rows).allSatisfy(r -> assertThat(r.value2()).isEqualTo(notes.id().toString()));
        assertThat(rows.get(0).value3().data()).contains("file:///notes/today.md").contains("SUCCEEDED")
                .contains("resource-client");
    }

    @Test
    void the_2026_07_28_client_lists_reads_and_gets_the_same_and_sees_nothing_of_a_connector_it_may_not_use()
            throws Exception {
        GatewayFixture.Endpoint s = memberWithNotesButNotSecret();
        var client = fixture.modernClient(s, "modern-client");

        // (the modern SDK's types, read by their properties: this class imports the classic McpSchema)
        assertThat(client.resources().list().resources()).extracting("uri")
                .containsExactly("console://notes/file%3A%2F%2F%2Fnotes%2Ftoday.md");
        var read = client.resource("console://notes/file%3A%2F%2F%2Fnotes%2Ftoday.md").read();
        assertThat(read.contents()).extracting("uri", "text")
                .containsExactly(tuple("console://notes/file%3A%2F%2F%2Fnotes%2Ftoday.md", "Buy milk"));
        // a template: listed under the gateway's scheme with the upstream one to fill in, and read when filled in
        assertThat(client.resourceTemplates().list().resourceTemplates()).singleElement().satisfies(t -> {
            assertThat(t.uriTemplate()).isEqualTo("console://notes/{+upstream}");
            assertThat(t.description()).contains("file:///notes/{day}.md");
        });
        assertThat(client.resource(GatewayPassThrough.wrap("notes", "file:///notes/monday.md")).read().contents())
                .extracting("text").containsExactly("Notes of monday");

        assertThat(client.prompts().list().prompts()).extracting("name").containsExactly("notes__summarize");
        var prompt = client.prompt("notes__summarize").arguments(Map.of("topic", "the week")).get();
        assertThat(prompt.messages()).extracting("content.text").containsExactly("Summarize the week.");

        // the connector the member may not use: absent above, and refused when named (its server would answer)
        assertThatThrownBy(() -> client.prompt("secret__summarize").arguments(Map.of("topic", "x")).get())
                .hasMessageContaining("Unknown prompt");
        assertThatThrownBy(() -> client.resource("console://secret/file%3A%2F%2F%2Fnotes%2Ftoday.md").read())
                .hasMessageContaining("Unknown resource");
        // the upstream saw the member's own upstream token, never the gateway's
        assertThat(mcp.authorizationsSeen()).isNotEmpty().allSatisfy(a -> assertThat(a).doesNotContain(s.token()));

        // audited as on 2025-11-25, with the client's name
        var rows = db.select(AUDIT_EVENT.ACTION, AUDIT_EVENT.DETAILS).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(s.org().id()))
                .and(AUDIT_EVENT.ACTION.in("gateway.resource_read", "gateway.prompt_got"))
                .orderBy(AUDIT_EVENT.SEQ).fetch();
        assertThat(rows).extracting(r -> r.value1()).containsExactly("gateway.resource_read",
                "gateway.resource_read", "gateway.prompt_got");
        assertThat(rows).allSatisfy(r -> assertThat(r.value2().data()).contains("modern-client 2.0")
                .contains("SUCCEEDED"));
    }

    @Test
    void a_conversation_endpoint_passes_through_only_the_connectors_switched_on_in_it() throws Exception {
        Org org = fixture.organizationWithGatewayOn(1);
        Connector secret = testConnectors.addChecked(org, "Secret", mcp.url("/secret"), ToolSettings.NewTools.ALLOW)
                .connector();
        String token = fixture.token(org.members().get(0), "my agent", 30);
        Conversation conv = conversations.create("Notes talk");
        String path = GatewayEndpoints.conversationPath(conv.id().value());
        try (McpSyncClient client = GatewayClients.java(fixture.base(), path, token, "conv-client")) {
            client.initialize();
            assertThat(client.listPrompts().prompts()).isEmpty();
            conversations.setEnabled(conv.id(), secret.id(), true);
            assertThat(client.listPrompts().prompts()).extracting(McpSchema.Prompt::name)
                    .containsExactly("secret__summarize");
            assertThat(client.listResources().resources()).extracting(McpSchema.Resource::uri)
                    .containsExactly("console://secret/file%3A%2F%2F%2Fnotes%2Ftoday.md");
        }
    }
}
