package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.DatabaseDump;
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
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import testpeers.TestAuthorizationServer;

/**
 * Members connect to an MCP server protected by a real authorization server (Spring Authorization Server), both
 * on 127.0.0.1 inside this JVM: discovery, registration (dynamic, and the owner's with each client authentication
 * method), PKCE, state, resource, iss, refresh, revocation, step-up; on the embedded PostgreSQL.
 */
@IntegrationTest
class ConnectionServiceTest {

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
    ConsoleAddress address;
    @Autowired
    DSLContext db;
    @Autowired
    javax.sql.DataSource dataSource;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/mcp", "protected-server", as.issuer(), "mcp", TestMcpServer.echoTool(),
                TestMcpServer.addTool());
        mcp.oauthProtected("/mcp2", "moved-server", as.issuer(), "mcp", TestMcpServer.echoTool());
        mcp.streamable("/open", "open-server", TestMcpServer.echoTool());
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

    private Connector addConnector(Org org, String path, String clientId, String secret) {
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Protected " + path, mcp.url(path), clientId, secret, false));
        TestOrganizations.signOut();
        return c;
    }

    /** Connect as the signed-in member: start, let the authorization server approve, hand its answer back. */
    private CallbackOutcome connect(Connector c) throws OAuthFlowException {
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        assertThat(start.needsBrowser()).isTrue();
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        assertThat(back.get("_path")).isEqualTo(ConsoleAddress.CALLBACK_PATH);
        return connections.complete(back.get("state"), back.get("code"), back.get("iss"), back.get("error"),
                back.get("error_description"));
    }

    private MemberConnector mine(Connector c) {
        return connections.list().stream().filter(m -> m.id().equals(c.id())).findFirst().orElseThrow();
    }

    private List<String> auditActions(Org org) {
        return db.select(AUDIT_EVENT.ACTION).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id()))
                .orderBy(AUDIT_EVENT.SEQ).fetch(AUDIT_EVENT.ACTION);
    }

    @Test
    void member_connects_through_dynamic_registration_uses_the_tools_and_a_second_member_reuses_the_client()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = addConnector(org, "/mcp", null, null);
        int registrationsBefore = as.registrations();

        orgs.signIn(org.members().get(0));
        assertThat(mine(c).state()).isEqualTo(MemberConnector.State.NOT_CONNECTED);
        CallbackOutcome outcome = connect(c);
        assertThat(outcome.connected()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).isEqualTo("Connected to " + c.name() + ".");
        assertThat(outcome.returnTo()).isEqualTo("/settings/connectors");

        MemberConnector checked = connections.checkNow(c.id());
        assertThat(checked.state()).as(String.valueOf(checked.reason())).isEqualTo(MemberConnector.State.CONNECTED);
        // both tools are new, so held for an owner's review (decision 0017): listed as waiting, not as usable
        assertThat(checked.tools()).isEmpty();
        assertThat(checked.waitingForReview()).isEqualTo(2);
        assertThat(checked.scopes()).contains("mcp");

        orgs.signIn(org.members().get(1));
        assertThat(mine(c).state()).as("another member sees only their own state")
                .isEqualTo(MemberConnector.State.NOT_CONNECTED);
        assertThat(connect(c).connected()).isTrue();
        assertThat(as.registrations() - registrationsBefore).as("one dynamic registration per connector, reused")
                .isEqualTo(1);
        assertThat(auditActions(org)).contains("connector.client_registered", "connection.connected");
        orgs.signIn(org.owner());
        assertThat(connectors.get(c.id()).connectedMembers()).as("the owner's list counts members connected")
                .isEqualTo(2);
        assertThat(connectors.list()).filteredOn(x -> x.id().equals(c.id())).extracting(Connector::connectedMembers)
                .containsExactly(2);
    }

    @Test
    void owners_credentials_work_with_client_secret_post_and_as_a_public_client() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        String redirect = address.redirectUri();
        String postId = "post-" + org.id();
        as.register(postId, "post-secret-123", ClientAuthenticationMethod.CLIENT_SECRET_POST, redirect,
                Duration.ofMinutes(5), "mcp", "mcp:admin");
        Connector viaPost = addConnector(org, "/mcp", postId, "post-secret-123");
        orgs.signIn(org.members().get(0));
        int registrations = as.registrations();
        CallbackOutcome viaPostOutcome = connect(viaPost);
        assertThat(viaPostOutcome.connected()).as(viaPostOutcome.message()).isTrue();
        assertThat(connections.checkNow(viaPost.id()).state()).isEqualTo(MemberConnector.State.CONNECTED);

        Org other = orgs.create(Plan.PRO, 0);
        String publicId = "public-" + other.id();
        as.register(publicId, null, ClientAuthenticationMethod.NONE, redirect, Duration.ofMinutes(5), "mcp",
                "mcp:admin");
        Connector viaNone = addConnector(other, "/mcp", publicId, null);
        orgs.signIn(other.owner());
        assertThat(connect(viaNone).connected()).isTrue();
        assertThat(connections.checkNow(viaNone.id()).state()).isEqualTo(MemberConnector.State.CONNECTED);
        assertThat(as.registrations()).as("owners' credentials: no dynamic registration").isEqualTo(registrations);
    }

    @Test
    void a_callback_is_accepted_once_even_when_twenty_arrive_at_the_same_time() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        Authentication member = orgs.signIn(org.members().get(0));
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        int tokenRequests = as.tokenRequests();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<CallbackOutcome>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(pool.submit(() -> {
                SecurityContextHolder.getContext().setAuthentication(member);
                go.await();
                return connections.complete(back.get("state"), back.get("code"), back.get("iss"), null, null);
            }));
        }
        go.countDown();
        int connected = 0;
        for (Future<CallbackOutcome> f : results) {
            CallbackOutcome o = f.get();
            if (o.connected()) {
                connected++;
            } else {
                assertThat(o.message()).contains("already used or has expired");
            }
        }
        pool.shutdown();
        assertThat(connected).isEqualTo(1);
        assertThat(as.tokenRequests() - tokenRequests).as("only one code exchange reached the server").isEqualTo(1);
        assertThat(db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value()))).isEqualTo(1);
    }

    @Test
    void a_callback_for_another_member_naming_another_issuer_or_without_state_connects_nothing() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        Map<String, String> back = AuthorizationBrowser.approve(
                connections.connect(c.id(), "/settings/connectors").authorizationUrl());

        orgs.signIn(org.members().get(1));
        CallbackOutcome stolen = connections.complete(back.get("state"), back.get("code"), back.get("iss"), null,
                null);
        assertThat(stolen.connected()).isFalse();
        assertThat(stolen.message()).contains("started by another account");

        orgs.signIn(org.members().get(0));
        Map<String, String> again = AuthorizationBrowser.approve(
                connections.connect(c.id(), "/settings/connectors").authorizationUrl());
        CallbackOutcome mixUp = connections.complete(again.get("state"), again.get("code"), "https://evil.example",
                null, null);
        assertThat(mixUp.connected()).isFalse();
        assertThat(mixUp.message()).contains("did not come from " + as.issuer());
        assertThat(connections.complete(again.get("state"), again.get("code"), again.get("iss"), null, null)
                .connected()).as("the refused answer's state is spent").isFalse();

        assertThat(connections.complete(null, "x", null, null, null).message()).contains("no valid state");
        CallbackOutcome denied = connections.complete(AuthorizationBrowser.approve(connections.connect(c.id(),
                "https://evil.example/steal").authorizationUrl()).get("state"), null, null, "access_denied", null);
        assertThat(denied.message()).contains("You did not allow");
        assertThat(denied.returnTo()).as("never an outside address").isEqualTo("/settings/connectors");
        assertThat(mine(c).state()).isEqualTo(MemberConnector.State.NOT_CONNECTED);
        assertThat(auditActions(org)).contains("connection.callback_refused");
    }

    @Test
    void fifty_callers_during_expiry_cause_one_refresh_and_get_the_new_token() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        Authentication member = orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        String before = stored.accessToken(c.id());
        expireNow(c);
        int refreshes = as.refreshRequests();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> tokens = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Callable<String> call = () -> {
                SecurityContextHolder.getContext().setAuthentication(member);
                go.await();
                return stored.forCall(c.id());
            };
            tokens.add(pool.submit(call));
        }
        go.countDown();
        List<String> seen = new ArrayList<>();
        for (Future<String> f : tokens) {
            seen.add(f.get());
        }
        pool.shutdown();
        assertThat(as.refreshRequests() - refreshes).isEqualTo(1);
        assertThat(seen).doesNotContain(before).containsOnly(seen.getFirst());
        assertThat(connections.checkNow(c.id()).state()).as("the refreshed token works")
                .isEqualTo(MemberConnector.State.CONNECTED);
    }

    @Test
    void a_refused_refresh_marks_the_connection_for_reauthentication_and_reconnecting_restores_it() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        String token = stored.accessToken(c.id());
        // the provider forgets the grant (an administrator revoked it there)
        OAuth2Authorization grant = as.authorizations().findByToken(token, OAuth2TokenType.ACCESS_TOKEN);
        as.authorizations().remove(grant);
        expireNow(c);

        // the token path a tool call takes refuses, and says to reconnect
        assertThatThrownBy(() -> stored.forCall(c.id()))
                .isInstanceOf(ConnectionRefusals.ReauthenticationNeeded.class);
        MemberConnector renewal = connections.checkNow(c.id());
        assertThat(renewal.state()).as("the renewal is refused").isEqualTo(MemberConnector.State.NEEDS_REAUTH);
        assertThat(renewal.reason()).contains("Reconnect");
        MemberConnector state = mine(c);
        assertThat(state.state()).isEqualTo(MemberConnector.State.NEEDS_REAUTH);
        assertThat(state.reason()).contains("Renewing your sign-in failed");
        assertThat(connections.checkNow(c.id()).state()).as("never shown as connected")
                .isEqualTo(MemberConnector.State.NEEDS_REAUTH);
        assertThat(auditActions(org)).contains("connection.refresh_failed");

        CallbackOutcome again = connect(c);
        assertThat(again.message()).startsWith("Reconnected to");
        assertThat(connections.checkNow(c.id()).state()).isEqualTo(MemberConnector.State.CONNECTED);
        assertThat(auditActions(org)).contains("connection.reauthorized");
    }

    @Test
    void a_token_revoked_at_the_provider_shows_as_needing_sign_in_when_checked() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        as.authorizations().remove(as.authorizations().findByToken(stored.accessToken(c.id()),
                OAuth2TokenType.ACCESS_TOKEN));
        MemberConnector checked = connections.checkNow(c.id());
        assertThat(checked.state()).isEqualTo(MemberConnector.State.NEEDS_REAUTH);
        assertThat(checked.tools()).isEmpty();
    }

    @Test
    void a_server_asking_for_more_scope_gets_a_step_up_that_grants_it() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        assertThat(connections.checkNow(c.id()).scopes()).doesNotContain("mcp:admin");
        mcp.requireScope("mcp:admin");
        try {
            MemberConnector checked = connections.checkNow(c.id());
            assertThat(checked.state()).isEqualTo(MemberConnector.State.NEEDS_REAUTH);
            assertThat(checked.reason()).contains("mcp:admin");
            assertThat(connect(c).connected()).isTrue();
            MemberConnector after = connections.checkNow(c.id());
            assertThat(after.state()).as(String.valueOf(after.reason())).isEqualTo(MemberConnector.State.CONNECTED);
            assertThat(after.scopes()).contains("mcp", "mcp:admin");
        } finally {
            mcp.clearScope("mcp:admin");
        }
    }

    @Test
    void disconnect_revokes_at_the_provider_and_disabling_the_connector_ends_every_connection() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        String token = stored.accessToken(c.id());
        String refresh = as.authorizations().findByToken(token, OAuth2TokenType.ACCESS_TOKEN).getRefreshToken()
                .getToken().getTokenValue();
        assertThat(connections.disconnect(c.id())).contains("The server revoked your tokens");
        // these two tokens: a count of all revocations would also count a background one of an earlier test
        assertThat(as.revocationRequested(refresh)).as("refresh token").isTrue();
        assertThat(as.revocationRequested(token)).as("access token").isTrue();
        assertThat(as.authorizations().findByToken(token, OAuth2TokenType.ACCESS_TOKEN).getAccessToken()
                .isInvalidated()).isTrue();
        assertThat(mine(c).state()).isEqualTo(MemberConnector.State.NOT_CONNECTED);
        assertThatThrownBy(() -> connections.disconnect(c.id())).isInstanceOf(NotFoundException.class);

        assertThat(connect(c).connected()).isTrue();
        orgs.signIn(org.members().get(1));
        assertThat(connect(c).connected()).isTrue();
        orgs.signIn(org.owner());
        Connector current = connectors.get(c.id());
        connectors.setEnabled(c.id(), current.version(), false);
        assertThat(db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value()))).isZero();
        assertThat(auditActions(org)).contains("connection.ended", "connection.disconnected");
        long deadline = System.currentTimeMillis() + 60_000;
        while (!auditActions(org).contains("connection.revocation") && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(auditActions(org)).contains("connection.revocation");
    }

    @Test
    void removing_a_connector_revokes_every_members_tokens_and_a_sign_in_across_a_url_change_connects_nothing()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        String token = stored.accessToken(c.id());

        orgs.signIn(org.members().get(1));
        Map<String, String> back = AuthorizationBrowser.approve(
                connections.connect(c.id(), "/settings/connectors").authorizationUrl());
        orgs.signIn(org.owner());
        Connector current = connectors.get(c.id());
        connectors.update(c.id(), current.version(), new ConnectorForm(current.name(), mcp.url("/mcp2"), null, null,
                false));
        orgs.signIn(org.members().get(1));
        assertThat(connections.complete(back.get("state"), back.get("code"), back.get("iss"), null, null)
                .connected()).as("tokens for the old address are never stored").isFalse();
        assertThat(db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value()))).isZero();
        assertThat(revokedSoon(token)).as("the address change ended member 0's connection and revoked it").isTrue();

        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        String second = stored.accessToken(c.id());
        orgs.signIn(org.owner());
        connectors.remove(c.id(), connectors.get(c.id()).version());
        assertThat(revokedSoon(second)).as("removal revokes the dynamically registered client's tokens").isTrue();
    }

    /** Revocation after an owner's change runs in the background: waits up to 60 s for it to reach the server. */
    private static boolean revokedSoon(String accessToken) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (as.authorizations().findByToken(accessToken, OAuth2TokenType.ACCESS_TOKEN).getAccessToken()
                    .isInvalidated()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    @Test
    void a_server_without_sign_in_needs_no_connection_and_members_of_free_plans_are_refused() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector open = connectors.add(new ConnectorForm("Open", mcp.url("/open"), null, null, false));
        orgs.signIn(org.members().get(0));
        assertThat(connections.connect(open.id(), "/settings/connectors").needsBrowser()).isFalse();
        MemberConnector checked = connections.checkNow(open.id());
        assertThat(checked.state()).isEqualTo(MemberConnector.State.NO_SIGN_IN);
        assertThat(checked.tools()).as("held for review until an owner approves it").isEmpty();
        assertThat(checked.waitingForReview()).isEqualTo(1);

        Org free = orgs.create(Plan.FREE, 0);
        orgs.signIn(free.owner());
        assertThatThrownBy(() -> connections.list()).hasMessageContaining("paid plan");
        Org stranger = orgs.create(Plan.TEAM, 0);
        orgs.signIn(stranger.owner());
        assertThatThrownBy(() -> connections.connect(open.id(), "/")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void tokens_are_sealed_at_rest() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        assertThat(connect(c).connected()).isTrue();
        String token = stored.accessToken(c.id());
        var row = db.selectFrom(CONNECTION).where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).fetchOne();
        assertThat(row.getRefreshToken()).isNotNull();
        String refresh = as.authorizations().findByToken(token, OAuth2TokenType.ACCESS_TOKEN).getRefreshToken()
                .getToken().getTokenValue();
        String dump = DatabaseDump.all(dataSource);
        assertThat(dump).contains(c.url()).as("the dump really has this connector's rows");
        DatabaseDump.assertHoldsNone(dump, token, refresh, token.substring(0, 24),
                refresh.substring(0, 16));
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void tokens_codes_and_state_never_reach_the_logs(CapturedOutput output) throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = addConnector(org, "/mcp", null, null);
        orgs.signIn(org.members().get(0));
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        assertThat(connections.complete(back.get("state"), back.get("code"), back.get("iss"), null, null)
                .connected()).isTrue();
        String access = stored.accessToken(c.id());
        String refresh = as.authorizations().findByToken(access, OAuth2TokenType.ACCESS_TOKEN).getRefreshToken()
                .getToken().getTokenValue();
        expireNow(c);
        String renewed = stored.forCall(c.id());
        connections.checkNow(c.id());
        connections.disconnect(c.id());
        assertThat(output.getAll()).isNotEmpty()
                .doesNotContain(access).doesNotContain(renewed).doesNotContain(refresh)
                .doesNotContain(back.get("code")).doesNotContain(back.get("state"));
    }

    private void expireNow(Connector c) {
        db.update(CONNECTION).set(CONNECTION.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1))
                .where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).execute();
    }
}
