package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import testpeers.TestAuthorizationServer;

/**
 * Attacks on a member's OAuth connection, each against the real flow (Spring Authorization Server and an MCP
 * server behind it, on 127.0.0.1): a replayed state, a replayed code, a mix-up (a callback whose {@code iss}
 * names another server), open redirects through the return address, and tokens in the logs.
 */
@IntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class OAuthAttackTest {

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
    DSLContext db;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/mcp", "attacked-server", as.issuer(), "mcp", TestMcpServer.echoTool());
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

    private Connector connector(Org org) {
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Attacked", mcp.url("/mcp")));
        TestOrganizations.signOut();
        return c;
    }

    private Map<String, String> approve(Connector c, String returnTo) throws Exception {
        return AuthorizationBrowser.approve(connections.connect(c.id(), returnTo).authorizationUrl());
    }

    private CallbackOutcome complete(Map<String, String> back) {
        return connections.complete(back.get("state"), back.get("code"), back.get("iss"), back.get("error"),
                back.get("error_description"));
    }

    private int connections(Connector c) {
        return db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value()));
    }

    private List<String> refusals(Org org) {
        return db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("connection.callback_refused"))).fetch(r -> r.value1().data());
    }

    @Test
    void replayed_state_is_refused_and_no_second_code_exchange_reaches_the_server() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = connector(org);
        orgs.signIn(org.members().getFirst());
        Map<String, String> back = approve(c, "/settings/connectors");
        assertThat(complete(back).connected()).isTrue();
        int tokenRequests = as.tokenRequests();

        CallbackOutcome replay = complete(back);
        assertThat(replay.connected()).isFalse();
        assertThat(replay.message()).isEqualTo("This sign-in answer was already used or has expired. Start again "
                + "from Connectors.");
        assertThat(as.tokenRequests()).as("the replay reached no token endpoint").isEqualTo(tokenRequests);
        assertThat(connections(c)).isEqualTo(1);
    }

    @Test
    void replayed_code_under_a_fresh_state_is_refused_by_the_server_and_connects_nothing() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = connector(org);
        // the victim connects; the attacker learns the victim's (used) code, say from a referrer or a log
        orgs.signIn(org.members().get(0));
        Map<String, String> victims = approve(c, "/settings/connectors");
        assertThat(complete(victims).connected()).isTrue();
        String victimsToken = stored.accessToken(c.id());

        // the attacker starts an authorization of their own and hands back the victim's code with their own state
        orgs.signIn(org.members().get(1));
        Map<String, String> attackers = approve(c, "/settings/connectors");
        int tokenRequests = as.tokenRequests();
        CallbackOutcome replay = connections.complete(attackers.get("state"), victims.get("code"),
                attackers.get("iss"), null, null);
        assertThat(replay.connected()).isFalse();
        assertThat(replay.message()).isEqualTo("Connecting to Attacked failed: The authorization server no longer "
                + "accepts this grant (it expired or was revoked): sign in to the connector again.");
        assertThat(as.tokenRequests() - tokenRequests).as("one exchange attempt, refused by the server (a used code, "
                + "and a PKCE verifier that is not the one the code was issued for)").isEqualTo(1);
        assertThat(db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value())
                .and(CONNECTION.USER_ID.eq(org.members().get(1).id())))).as("the attacker has no connection")
                .isZero();
        // the victim's token is handed to no one, and the victim's own connection still works
        assertThat(replay.toString()).doesNotContain(victimsToken);
        orgs.signIn(org.members().get(0));
        assertThat(connections.checkNow(c.id()).state()).isEqualTo(MemberConnector.State.CONNECTED);
    }

    @Test
    void mix_up_callback_naming_another_issuer_is_refused_before_the_code_is_sent_anywhere() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = connector(org);
        orgs.signIn(org.members().getFirst());
        for (String otherIssuer : List.of("https://attacker.example", as.issuer() + "/evil", as.issuer() + "/",
                as.issuer().replace("127.0.0.1", "localhost"))) {
            Map<String, String> back = approve(c, "/settings/connectors");
            int tokenRequests = as.tokenRequests();
            CallbackOutcome mixUp = connections.complete(back.get("state"), back.get("code"), otherIssuer, null,
                    null);
            assertThat(mixUp.connected()).as(otherIssuer).isFalse();
            assertThat(mixUp.message()).as(otherIssuer).startsWith("The sign-in answer did not come from "
                    + as.issuer() + " as expected");
            assertThat(as.tokenRequests()).as("the code went to no token endpoint for " + otherIssuer)
                    .isEqualTo(tokenRequests);
            // and its state is spent: the genuine answer cannot follow the forged one
            assertThat(complete(back).connected()).isFalse();
        }
        assertThat(connections(c)).isZero();
        assertThat(refusals(org)).hasSize(4).allMatch(d -> d.contains("issuer mismatch"));
    }

    @Test
    void return_addresses_outside_the_console_are_replaced_by_the_connectors_page() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = connector(org);
        orgs.signIn(org.members().getFirst());
        List<String> attempts = List.of("https://evil.example/", "//evil.example/x", "/\\evil.example",
                "\\\\evil.example", "javascript:alert(1)", "http:evil.example", "/settings\r\nLocation: https://evil",
                " /settings/connectors", "/%0d%0aSet-Cookie:x=1".replace("%0d%0a", "\r\n"), "");
        List<String> returned = new ArrayList<>();
        for (String attempt : attempts) {
            Map<String, String> back = approve(c, attempt);
            // alternately a successful callback and a refusal: both go back to the console only
            CallbackOutcome outcome = returned.size() % 2 == 0 ? complete(back)
                    : connections.complete(back.get("state"), null, back.get("iss"), "access_denied", null);
            returned.add(outcome.returnTo());
        }
        assertThat(returned).as("every attempt").hasSize(attempts.size())
                .containsOnly(MemberConnectorsPath.PATH);
        // and a path inside the console is kept
        assertThat(complete(approve(c, "/account?tab=1")).returnTo()).isEqualTo("/account?tab=1");
        // a callback with no pending authorization at all goes nowhere but the console either
        assertThat(connections.complete("forged-state", "x", as.issuer(), null, null).returnTo())
                .isEqualTo(MemberConnectorsPath.PATH);
    }

    @Test
    void tokens_codes_state_and_secrets_never_reach_the_logs_even_when_attacked(CapturedOutput output)
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = connector(org);
        orgs.signIn(org.members().get(0));
        Map<String, String> first = approve(c, "/settings/connectors");
        assertThat(complete(first).connected()).isTrue();
        String access = stored.accessToken(c.id());
        String refresh = as.authorizations().findByToken(access, OAuth2TokenType.ACCESS_TOKEN).getRefreshToken()
                .getToken().getTokenValue();
        // refresh, a replay, a mix-up and a stolen callback: every path that logs something
        db.update(CONNECTION).set(CONNECTION.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1))
                .where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).execute();
        String renewed = stored.forCall(c.id());
        complete(first);
        Map<String, String> mixUp = approve(c, "/settings/connectors");
        connections.complete(mixUp.get("state"), mixUp.get("code"), "https://attacker.example", null, null);
        Map<String, String> stolen = approve(c, "/settings/connectors");
        orgs.signIn(org.members().get(1));
        connections.complete(stolen.get("state"), stolen.get("code"), stolen.get("iss"), null, null);
        orgs.signIn(org.members().get(0));
        connections.checkNow(c.id());
        connections.disconnect(c.id());

        String logs = output.getAll();
        assertThat(logs).as("the flows above logged something").isNotEmpty();
        List<String> secrets = new ArrayList<>(List.of(access, renewed, refresh));
        for (Map<String, String> back : List.of(first, mixUp, stolen)) {
            secrets.add(back.get("code"));
            secrets.add(back.get("state"));
        }
        for (String secret : secrets) {
            assertThat(logs).doesNotContain(secret);
        }
    }
}
