package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.GATEWAY_TOKEN;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.connectorconsole.connection.StoredTokens;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.support.OAuthProtectedMcp;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.test.context.ActiveProfiles;

/**
 * The gateway as a member's own MCP client uses it: the MCP Java SDK's client, with a personal access token, on the
 * console listening on 127.0.0.1, in front of an OAuth-protected MCP server (its tokens checked at a real
 * authorization server). The client lists and calls the member's tools with the member's own upstream sign-in,
 * and every owner's rule and every refusal shows as the client sees it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a console context of its own, started after this class's authorization server (as ConnectJourneyTest)
        properties = {"console.tools.max-concurrent=62", "console.gateway.list-changed-check=PT0.5S"})
@ActiveProfiles("test")
class GatewayTest {

    @RegisterExtension
    static final OAuthProtectedMcp peers = new OAuthProtectedMcp(TestMcpServer.echoTool(), TestMcpServer.addTool());

    @Autowired
    GatewayFixture fixture;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    StoredTokens stored;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;
    @Autowired
    GatewaySettingsService gateway;
    @Autowired
    PersonalAccessTokens tokens;
    @Autowired
    OrganizationService organizations;
    @Autowired
    DSLContext db;
    @Autowired
    GatewayRateLimits rateLimits;
    @Autowired
    java.time.Clock clock;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    String base() {
        return fixture.base();
    }

    /** An organization of two with the gateway on, the OAuth-protected connector, and its first member connected. */
    GatewayFixture.Endpoint setup(Integer memberLimit) throws Exception {
        return fixture.connectedMember(2, memberLimit, "Acme files", peers.mcp().url("/mcp"));
    }

    private static String text(McpSchema.CallToolResult result) {
        return result.content().stream().map(c -> ((McpSchema.TextContent) c).text()).reduce("", String::concat);
    }

    private static List<String> names(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    @Test
    void a_members_client_lists_and_calls_their_tools_with_their_own_upstream_sign_in() throws Exception {
        GatewayFixture.Endpoint s = setup(null);
        try (McpSyncClient client = GatewayClients.java(base(), s.path(), s.token(), "agent-java")) {
            client.initialize();
            assertThat(names(client)).containsExactlyInAnyOrder("acme-files__echo", "acme-files__add");

            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("acme-files__echo",
                    Map.of("message", "through the gateway")));
            assertThat(result.isError()).isFalse();
            assertThat(text(result)).isEqualTo("through the gateway");
            assertThat(peers.mcp().authorizationsSeen()).as("the upstream saw the member's own token, never the PAT")
                    .contains("Bearer " + stored.accessToken(s.connector().id()))
                    .noneSatisfy(a -> assertThat(a).contains(s.token()));

            // bad arguments: the pinned schema is checked by the console's own rules, before anything is sent
            McpSchema.CallToolResult invalid = client.callTool(new McpSchema.CallToolRequest("acme-files__echo",
                    Map.of("wrong", 1)));
            assertThat(invalid.isError()).isTrue();
            assertThat(text(invalid)).contains("message");

            // an owner blocks a tool: it is no longer offered, and calling it anyway is refused
            orgs.signIn(s.org().owner());
            var add = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("add")).findFirst()
                    .orElseThrow();
            policies.setPolicy(s.connector().id(), "add", ToolPolicy.BLOCKED, add.version());
            assertThat(names(client)).containsExactly("acme-files__echo");
            McpSchema.CallToolResult blocked = client.callTool(new McpSchema.CallToolRequest("acme-files__add",
                    Map.of("a", 1, "b", 2)));
            assertThat(blocked.isError()).isTrue();
            assertThat(text(blocked)).contains("blocked");
        }
        // the calls are in the audit log with the client that made them
        assertThat(db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(s.org().id())
                .and(AUDIT_EVENT.ACTION.eq("tool.called"))).fetch(r -> r.value1().data()))
                .anySatisfy(d -> assertThat(d).contains("\"client\"").contains("agent-java 1.0")
                        .contains("my agent").contains("SUCCEEDED").contains("\"via\""))
                .anySatisfy(d -> assertThat(d).contains("agent-java 1.0").contains("REFUSED"));
    }

    @Test
    void the_2026_07_28_client_lists_and_calls_through_the_same_rules() throws Exception {
        GatewayFixture.Endpoint s = setup(null);
        var client = GatewayClients.modern(base(), s.path(), s.token(), "agent-modern");
        assertThat(client.tools().list().tools()).extracting(io.modelcontextprotocol.modern.McpSchema.Tool::name)
                .containsExactlyInAnyOrder("acme-files__echo", "acme-files__add");
        var result = client.tool("acme-files__echo").arguments(Map.of("message", "stateless")).call();
        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(result.content().toString()).contains("stateless");
        assertThat(peers.mcp().authorizationsSeen()).contains("Bearer " + stored.accessToken(s.connector().id()))
                .noneSatisfy(a -> assertThat(a).contains(s.token()));
        // an owner blocks echo: gone for this client too, on its very next request
        orgs.signIn(s.org().owner());
        var echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                .orElseThrow();
        policies.setPolicy(s.connector().id(), "echo", ToolPolicy.BLOCKED, echo.version());
        assertThat(client.tools().list().tools()).extracting(io.modelcontextprotocol.modern.McpSchema.Tool::name)
                .containsExactly("acme-files__add");
        assertThat(db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(s.org().id())
                .and(AUDIT_EVENT.ACTION.eq("tool.called"))).fetch(r -> r.value1().data()))
                .anySatisfy(d -> assertThat(d).contains("agent-modern 2.0").contains("SUCCEEDED"));
        // and another member's token is refused on this endpoint, as for the classic transport
        String theirs = fixture.token(s.org().members().get(1), "theirs", 1);
        var borrowed = GatewayClients.modern(base(), s.path(), theirs, "borrowed");
        assertThatThrownBy(() -> borrowed.tools().list()).isNotNull();
    }

    @Test
    void tokens_are_refused_on_another_members_endpoint_after_revocation_and_while_the_gateway_is_off()
            throws Exception {
        GatewayFixture.Endpoint s = setup(null);
        Person other = s.org().members().get(1);
        String theirs = fixture.token(other, "their agent", 1);

        // another member's token on this member's endpoint: 401 with the challenge naming the resource metadata
        HttpResponse<String> refused = post(s.path(), theirs);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer resource_metadata=\""
                + base() + "/.well-known/oauth-protected-resource" + s.path() + "\", error=\"invalid_token\"");
        assertThat(post(s.path(), null).headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer resource_metadata=\"" + base() + "/.well-known/oauth-protected-resource" + s.path()
                        + "\"");
        assertThatThrownBy(() -> {
            try (McpSyncClient client = GatewayClients.java(base(), s.path(), theirs, "borrowed")) {
                client.initialize();
            }
        }).isNotNull();
        assertThat(db.fetchCount(GATEWAY_TOKEN, GATEWAY_TOKEN.TOKEN_HASH.eq(theirs))).as("only hashes are stored")
                .isZero();

        try (McpSyncClient client = GatewayClients.java(base(), s.path(), s.token(), "agent")) {
            client.initialize();
            assertThat(names(client)).contains("acme-files__echo");
            // the member revokes the token: the very next call is refused
            orgs.signIn(s.member());
            tokens.revoke(tokens.mine().getFirst().id());
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("acme-files__echo",
                    Map.of("message", "after revocation")))).isNotNull();
        }
        assertThat(post(s.path(), s.token()).statusCode()).isEqualTo(401);

        // the owner switches the gateway off: even a live token is refused, with the reason
        String fresh = fixture.token(s.member(), "fresh", 1);
        assertThat(post(s.path(), fresh).statusCode()).isEqualTo(200);
        orgs.signIn(s.org().owner());
        gateway.save(false, null, null, gateway.current().version());
        HttpResponse<String> off = post(s.path(), fresh);
        assertThat(off.statusCode()).isEqualTo(403);
        assertThat(off.body()).contains("switched the gateway off");

        // a removed member's tokens end with the membership
        gateway.save(true, null, null, gateway.current().version());
        assertThat(post(s.path(), fresh).statusCode()).isEqualTo(200);
        organizations.removeMember(s.member().id());
        assertThat(post(s.path(), fresh).statusCode()).isEqualTo(401);
        assertThat(db.select(GATEWAY_TOKEN.REVOKED_WHY).from(GATEWAY_TOKEN)
                .where(GATEWAY_TOKEN.USER_ID.eq(s.member().id()).and(GATEWAY_TOKEN.NAME.eq("fresh")))
                .fetchOne().value1()).isEqualTo("MEMBERSHIP");
    }

    @Test
    void approval_reauthentication_and_rate_limits_answer_the_client_clearly() throws Exception {
        GatewayFixture.Endpoint s = setup(4);
        orgs.signIn(s.org().owner());
        // every call of this test counts in one minute window, whenever it runs (no straddling a minute boundary)
        rateLimits.clock(java.time.Clock.fixed(clock.instant(), java.time.ZoneOffset.UTC));
        try (McpSyncClient plain = GatewayClients.java(base(), s.path(), s.token(), "plain");
                McpSyncClient asking = GatewayClients.java(base(), s.path(), s.token(), "asking",
                        request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                                Map.of("confirm", true), null))) {
            plain.initialize();
            asking.initialize();
            assertThat(names(plain)).contains("acme-files__echo");
            var echo = policies.tools(s.connector().id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                    .orElseThrow();
            policies.setPolicy(s.connector().id(), "echo", ToolPolicy.NEEDS_APPROVAL, echo.version());

            // a client without elicitation: a tool error that says where to run it; nothing was sent
            int accepted = peers.mcp().bearerAccepted();
            McpSchema.CallToolResult unconfirmed = plain.callTool(new McpSchema.CallToolRequest("acme-files__echo",
                    Map.of("message", "please")));
            assertThat(unconfirmed.isError()).isTrue();
            assertThat(text(unconfirmed)).contains("confirm").contains("elicitation")
                    .contains(base() + "/conversations");
            // a client with elicitation: the member is asked, confirms, and the call runs
            McpSchema.CallToolResult confirmed = asking.callTool(new McpSchema.CallToolRequest("acme-files__echo",
                    Map.of("message", "confirmed")));
            assertThat(confirmed.isError()).as(text(confirmed)).isFalse();
            assertThat(text(confirmed)).isEqualTo("confirmed");
            assertThat(peers.mcp().bearerAccepted()).isGreaterThan(accepted);

            // the upstream revokes the member's grant: the call explains it and links to Reconnect
            orgs.signIn(s.member());
            String upstream = stored.accessToken(s.connector().id());
            var authorizations = peers.as().authorizations();
            authorizations.remove(authorizations.findByToken(upstream, OAuth2TokenType.ACCESS_TOKEN));
            McpSchema.CallToolResult reauth = plain.callTool(new McpSchema.CallToolRequest("acme-files__add",
                    Map.of("a", 1, "b", 2)));
            assertThat(reauth.isError()).isTrue();
            // in the state words every page uses (decision 0045)
            assertThat(text(reauth)).contains(s.connector().name() + ": "
                    + org.connectorconsole.base.ConnectorUseState.NEEDS_RECONNECT.label() + ". Reconnect it in the console: "
                    + base() + "/settings/connectors (Reconnect), then call the tool again.");
            // its pinned tools are still offered, so the assistant can say what to do
            assertThat(names(plain)).contains("acme-files__add");

            // 4 calls per minute per member: this is the 4th counted; the 5th is refused with an MCP error
            plain.callTool(new McpSchema.CallToolRequest("acme-files__add", Map.of("a", 1, "b", 2)));
            assertThatThrownBy(() -> plain.callTool(new McpSchema.CallToolRequest("acme-files__add",
                    Map.of("a", 1, "b", 2)))).hasMessageContaining("Rate limit");
        } finally {
            rateLimits.clock(clock);
        }
    }

    @Test
    void a_conversation_endpoint_offers_only_the_connectors_switched_on_in_it() throws Exception {
        GatewayFixture.Endpoint s = setup(null);
        orgs.signIn(s.member());
        Conversation conv = conversations.create("Gateway conversation");
        String path = GatewayEndpoints.conversationPath(conv.id().value());
        java.util.concurrent.LinkedBlockingQueue<List<String>> changes = new java.util.concurrent.LinkedBlockingQueue<>();
        try (McpSyncClient client = GatewayClients.java(base(), path, s.token(), "conversation-client", null,
                tools -> changes.add(tools.stream().map(McpSchema.Tool::name).toList()))) {
            client.initialize();
            assertThat(names(client)).isEmpty();
            conversations.setEnabled(conv.id(), s.connector().id(), true);
            // the switch reaches the connected client as notifications/tools/list_changed
            assertThat(changes.poll(30, java.util.concurrent.TimeUnit.SECONDS)).as("list_changed after the switch")
                    .contains("acme-files__echo");
            assertThat(names(client)).contains("acme-files__echo");
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("acme-files__echo",
                    Map.of("message", "in the conversation")));
            assertThat(text(result)).isEqualTo("in the conversation");
            assertThat(conversations.history(conv.id())).singleElement()
                    .satisfies(e -> assertThat(e.toolName()).isEqualTo("echo"));
            conversations.setEnabled(conv.id(), s.connector().id(), false);
            assertThat(names(client)).isEmpty();
        }
        // another member's token cannot use this conversation's endpoint
        String theirs = fixture.token(s.org().members().get(1), "theirs", 1);
        assertThat(post(path, theirs).statusCode()).isEqualTo(401);
    }

    @Test
    void a_protocol_version_it_does_not_speak_gets_a_plain_json_error() throws Exception {
        GatewayFixture.Endpoint s = setup(null);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base() + s.path()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + s.token())
                .header("MCP-Protocol-Version", "1999-01-01")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(answer.body()).contains("This endpoint speaks MCP").contains("2025-11-25").contains("2026-07-28")
                .doesNotContain("Exception").doesNotContain("at org.");
    }

    /**
     * Found by the conformance suite (GatewayConformanceTest): a client speaking both revisions may send the
     * 2026-07-28 {@code Mcp-Method} header on a 2025-11-25 request, which is served as 2025-11-25; an unknown version
     * in a 2026-07-28 request gets that revision's UnsupportedProtocolVersionError, with the request's id.
     */
    @Test
    void the_named_protocol_version_decides_the_revision_not_the_method_header() throws Exception {
        GatewayFixture.Endpoint s = setup(null);
        HttpResponse<String> initialize = http.send(HttpRequest.newBuilder(URI.create(base() + s.path()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + s.token())
                .header("MCP-Protocol-Version", "2025-11-25")
                .header("Mcp-Method", "initialize")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"both\",\"version\":\"1\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(initialize.statusCode()).as(initialize.body()).isEqualTo(200);
        assertThat(initialize.headers().firstValue("Mcp-Session-Id")).isPresent();
        assertThat(initialize.body()).contains("\"protocolVersion\":\"2025-11-25\"");

        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base() + s.path()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + s.token())
                .header("MCP-Protocol-Version", "v999.0.0")
                .header("Mcp-Method", "server/discover")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":301,\"method\":"
                        + "\"server/discover\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
                        + "\"v999.0.0\",\"io.modelcontextprotocol/clientCapabilities\":{},"
                        + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"both\",\"version\":\"1\"}}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(400);
        tools.jackson.databind.JsonNode error = tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(unknown.body());
        assertThat(error.path("id").asInt()).as(unknown.body()).isEqualTo(301);
        assertThat(error.path("error").path("code").asInt()).isEqualTo(-32022);
        assertThat(error.path("error").path("data").path("requested").asString()).isEqualTo("v999.0.0");
        assertThat(error.path("error").path("data").path("supported").toString()).contains("2026-07-28");
    }

    private HttpResponse<String> post(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
