package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.GATEWAY_TOKEN;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.StoredTokens;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.gateway.GatewaySettingsService;
import org.connectorconsole.gateway.PersonalAccessTokens;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.OAuthProtectedMcp;
import org.connectorconsole.support.SignedInBrowser;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * An owner's "Revoke everything" on a member, as the member's browser, their own MCP client and the connector's
 * authorization server see it: the open session is signed out on its next request, the personal access token is
 * refused, the connection ends and its tokens are revoked at the (real, in-JVM) authorization server; the member
 * stays a member and can sign in again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a console context of its own: the gateway's MCP transport does not come back after Spring's test cache
        // paused a shared context (GatewayMcpServer.stop closes it for good), and this class calls the gateway
        properties = "console.test.context=revoke-everything")
@ActiveProfiles("test")
class RevokeEverythingTest {

    @RegisterExtension
    static final OAuthProtectedMcp peers = new OAuthProtectedMcp(TestMcpServer.echoTool());

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    StoredTokens stored;
    @Autowired
    GatewaySettingsService gateway;
    @Autowired
    PersonalAccessTokens tokens;
    @Autowired
    MemberAccess memberAccess;
    @Autowired
    OrganizationService organizations;
    @Autowired
    DSLContext db;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void revoke_everything_ends_sessions_tokens_and_connections_and_keeps_the_membership() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.signIn(org.owner());
        gateway.save(true, null, null, gateway.current().version());
        Connector c = connectors.add(new ConnectorForm("Acme files", peers.mcp().url("/mcp"), null, null, false));
        Person member = org.members().get(0);
        Person other = org.members().get(1);
        orgs.signIn(member);
        assertThat(AuthorizationBrowser.connect(connections, c.id(), "/settings/connectors").connected()).isTrue();
        String pat = tokens.create("my agent", 30).secret();
        String upstream = stored.accessToken(c.id());
        String path = GatewayEndpoints.memberPath(org.id(), member.id());
        orgs.signIn(other);
        assertThat(AuthorizationBrowser.connect(connections, c.id(), "/settings/connectors").connected()).isTrue();
        String othersUpstream = stored.accessToken(c.id());

        String session = signInOverHttp(member.email());
        String othersSession = signInOverHttp(other.email());
        assertThat(get("/account", session).statusCode()).as("signed in").isEqualTo(200);
        assertThat(gatewayInitialize(path, pat).statusCode()).isEqualTo(200);

        // not the member themselves, and not the owner on themselves
        orgs.signIn(member);
        assertThatThrownBy(() -> memberAccess.revokeEverything(other.id()))
                .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> memberAccess.revokeEverything(org.owner().id()))
                .isInstanceOf(ValidationException.class);

        memberAccess.revokeEverything(member.id());

        // the open session is signed out on its next request: sent to sign in, the session gone
        HttpResponse<String> next = get("/account", session);
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location").orElse("")).endsWith("/login");
        assertThat(get("/account", session).statusCode()).as("the old cookie stays signed out")
                .isEqualTo(302);
        // the gateway token is refused at once, and recorded as ended by the revocation
        assertThat(gatewayInitialize(path, pat).statusCode()).isEqualTo(401);
        assertThat(db.select(GATEWAY_TOKEN.REVOKED_WHY).from(GATEWAY_TOKEN)
                .where(GATEWAY_TOKEN.USER_ID.eq(member.id())).fetchOne().value1()).isEqualTo("ACCESS_REVOKED");
        // the connection ended and its tokens were revoked at the authorization server (in the background)
        assertThat(db.fetchCount(CONNECTION, CONNECTION.USER_ID.eq(member.id()))).isZero();
        long deadline = System.currentTimeMillis() + 60_000; // background work: a bound only a hang reaches
        while (!peers.as().revocationRequested(upstream) && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(peers.as().revocationRequested(upstream)).as("upstream token revoked").isTrue();
        // nobody else lost anything
        assertThat(get("/account", othersSession).statusCode()).isEqualTo(200);
        assertThat(db.fetchCount(CONNECTION, CONNECTION.USER_ID.eq(other.id()))).isEqualTo(1);
        assertThat(peers.as().revocationRequested(othersUpstream)).isFalse();
        // audited, by the owner
        assertThat(db.select(AUDIT_EVENT.ACTOR_LABEL).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.ACTION.eq("member.access_revoked"))
                        .and(AUDIT_EVENT.TARGET_ID.eq(member.id().toString())))
                .fetch().getValues(AUDIT_EVENT.ACTOR_LABEL)).containsExactly(org.owner().email());

        // still a member, who can sign in again
        assertThat(organizations.member(member.id()).role()).isNotNull();
        String again = signInOverHttp(member.email());
        assertThat(get("/account", again).statusCode()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- plumbing

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String signInOverHttp(String email) throws Exception {
        return new SignedInBrowser(port).signIn(email);
    }

    private HttpResponse<String> gatewayInitialize(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
