package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.ENTERPRISE_CONNECTION_STATE;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.SsoAssertions;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import testpeers.EnterpriseIdentityPeers;

/**
 * What the console must not do again by itself with enterprise-managed connections (decision 0063): reconnect a
 * member who disconnected, retry (and audit) a refusal on every visit; and what it must accept: a server that offers
 * only the JWT bearer grant. Same peers as {@link EnterpriseManagedConnectionTest}: an identity provider and an MCP
 * authorization server in this JVM in front of a real MCP server (Java SDK).
 */
@IntegrationTest
class EnterpriseManagedHoldBackTest {

    static EnterpriseIdentityPeers peers;
    static EnterpriseIdentityPeers grantOnly;
    static TestMcpServer mcp;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    EnterpriseManagedService enterprise;
    @Autowired
    SsoAssertions assertions;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void start() {
        peers = new EnterpriseIdentityPeers();
        grantOnly = new EnterpriseIdentityPeers(true);
        mcp = new TestMcpServer();
        mcp.oauthProtected("/ema", "Enterprise tools", peers.asIssuer(), "tools.read", TestMcpServer.echoTool());
        mcp.oauthProtected("/grant-only", "Grant-only tools", grantOnly.asIssuer(), "tools.read",
                TestMcpServer.echoTool());
        peers.serving(mcp.url("/ema"));
        grantOnly.serving(mcp.url("/grant-only"));
    }

    @AfterAll
    static void stop() {
        mcp.close();
        peers.close();
        grantOnly.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private Connector setUp(Org org, EnterpriseIdentityPeers at, String path) {
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Enterprise tools", mcp.url(path),
                EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET, false));
        enterprise.saveTokenExchange(true, at.idpTokenEndpoint().toString(), EnterpriseIdentityPeers.IDP_CLIENT_ID,
                EnterpriseIdentityPeers.IDP_CLIENT_SECRET);
        enterprise.setEnterpriseManaged(c.id(), true);
        return c;
    }

    @Test
    void a_members_disconnect_sticks_until_they_ask_again_or_an_owner_switches_the_connector_off_and_on() {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = setUp(org, peers, "/ema");
        var alice = org.members().getFirst();
        assertions.keep(alice.id(), peers.idpIssuer(), peers.idToken("alice", Instant.now().plusSeconds(900)),
                Instant.now().plusSeconds(900));
        orgs.signIn(alice);
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> assertThat(m.connected())
                .isTrue());
        int exchanges = peers.exchanges();

        assertThat(connections.disconnect(c.id())).contains("You stay disconnected until you choose Connect "
                + "through your organization's sign-in.");
        assertThat(auditDetails(org, "connection.disconnected")).contains("\"organizationSignIn\": \"paused\"");

        // the next page opens (twice): not connected again, and the member is offered the way back
        for (int visit = 0; visit < 2; visit++) {
            assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> {
                assertThat(m.connected()).isFalse();
                assertThat(m.canAsk()).isTrue();
                assertThat(m.paused()).isTrue();
                assertThat(m.message()).startsWith("You disconnected from Enterprise tools");
            });
        }
        assertThat(peers.exchanges()).isEqualTo(exchanges);
        assertThat(connectionRows(c)).isZero();

        // the member asks: connected again, and it holds on the next visit
        assertThat(enterprise.connectThroughOrganization(c.id()).connected()).isTrue();
        assertThat(peers.exchanges()).isEqualTo(exchanges + 1);
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> assertThat(m.connected())
                .isTrue());
        assertThat(connectionRows(c)).isOne();

        // disconnected again; an owner switches the connector off and on: the pause is reset
        connections.disconnect(c.id());
        orgs.signIn(org.owner());
        enterprise.setEnterpriseManaged(c.id(), false);
        enterprise.setEnterpriseManaged(c.id(), true);
        orgs.signIn(alice);
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> assertThat(m.connected())
                .isTrue());
        assertThat(peers.exchanges()).isEqualTo(exchanges + 2);
    }

    @Test
    void a_refusal_is_not_retried_nor_audited_again_on_each_visit_until_the_member_asks_or_signs_in_again() {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = setUp(org, peers, "/ema");
        var bob = org.members().getFirst();
        peers.deny("bob");
        assertions.keep(bob.id(), peers.idpIssuer(), peers.idToken("bob", Instant.now().plusSeconds(900)),
                Instant.now().plusSeconds(900));
        int exchanges = peers.exchangeRequests();
        orgs.signIn(bob);

        for (int visit = 0; visit < 3; visit++) {
            assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> {
                assertThat(m.connected()).isFalse();
                assertThat(m.canAsk()).isTrue();
                assertThat(m.message()).isEqualTo("Your organization's identity provider did not allow access to "
                        + "Enterprise tools.");
                assertThat(m.detail()).contains("MCP-Engineering-Only");
            });
        }
        assertThat(peers.exchangeRequests()).as("asked the identity provider once").isEqualTo(exchanges + 1);
        assertThat(refusals(org)).isOne();

        // the member asks again: asked (and audited) once more
        assertThat(enterprise.connectThroughOrganization(c.id()).connected()).isFalse();
        assertThat(peers.exchangeRequests()).isEqualTo(exchanges + 2);
        assertThat(refusals(org)).isEqualTo(2);
        enterprise.connectAutomatically();
        assertThat(peers.exchangeRequests()).isEqualTo(exchanges + 2);

        // a new single sign-on gives a new ID token: tried again by itself, once
        assertions.keep(bob.id(), peers.idpIssuer(), peers.idToken("bob", Instant.now().plusSeconds(1200)),
                Instant.now().plusSeconds(1200));
        enterprise.connectAutomatically();
        enterprise.connectAutomatically();
        assertThat(peers.exchangeRequests()).isEqualTo(exchanges + 3);
        assertThat(refusals(org)).isEqualTo(3);

        // the back-off (15 minutes) passes with the same ID token: tried again by itself, once
        db.update(ENTERPRISE_CONNECTION_STATE)
                .set(ENTERPRISE_CONNECTION_STATE.REFUSED_AT, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(16))
                .where(ENTERPRISE_CONNECTION_STATE.CONNECTOR_ID.eq(c.id().value())).execute();
        enterprise.connectAutomatically();
        enterprise.connectAutomatically();
        assertThat(peers.exchangeRequests()).isEqualTo(exchanges + 4);
        assertThat(refusals(org)).isEqualTo(4);
        assertThat(connectionRows(c)).isZero();
        assertThat(new String(db.select(ENTERPRISE_CONNECTION_STATE.REFUSED_TOKEN_HASH)
                .from(ENTERPRISE_CONNECTION_STATE).where(ENTERPRISE_CONNECTION_STATE.USER_ID.eq(bob.id()))
                .fetchSingle().value1(), java.nio.charset.StandardCharsets.ISO_8859_1)).as("only a fingerprint is kept")
                .doesNotContain("eyJ");
    }

    @Test
    void switching_a_connector_runs_the_servers_check_in_the_background_and_delivers_the_outcome() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Enterprise tools", mcp.url("/ema"),
                EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET, false));
        Connector noClient = connectors.add(new ConnectorForm("No client", mcp.url("/grant-only"), null, null, false));
        Thread caller = Thread.currentThread();

        CompletableFuture<String> on = new CompletableFuture<>();
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        enterprise.setEnterpriseManagedInBackground(c.id(), true, problem -> {
            ranOn.complete(Thread.currentThread());
            on.complete(problem == null ? "switched" : problem);
        });
        assertThat(on.get(60, TimeUnit.SECONDS)).isEqualTo("switched");
        assertThat(ranOn.get()).isNotSameAs(caller);
        assertThat(enterprise.enterpriseManagedConnectors()).containsExactly(c.id());

        CompletableFuture<String> refused = new CompletableFuture<>();
        enterprise.setEnterpriseManagedInBackground(noClient.id(), true, p -> refused.complete(String.valueOf(p)));
        assertThat(refused.get(60, TimeUnit.SECONDS)).startsWith("Enter the console's client ID");
        assertThat(enterprise.enterpriseManagedConnectors()).containsExactly(c.id());
    }

    @Test
    void a_server_offering_only_the_jwt_bearer_grant_is_accepted_for_the_organizations_sign_in_only() {
        Org org = orgs.create(Plan.TEAM, 2);
        Connector c = setUp(org, grantOnly, "/grant-only");
        assertThat(enterprise.enterpriseManagedConnectors()).containsExactly(c.id());
        var alice = org.members().getFirst();
        assertions.keep(alice.id(), grantOnly.idpIssuer(), grantOnly.idToken("alice",
                Instant.now().plusSeconds(900)), Instant.now().plusSeconds(900));
        orgs.signIn(alice);
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> assertThat(m.connected())
                .as(m.message()).isTrue());
        assertThat(connectionRows(c)).isOne();

        // the Connect button's browser flow cannot work there: said so
        orgs.signIn(org.members().get(1));
        assertThatThrownBy(() -> connections.connect(c.id(), "/connectors"))
                .isInstanceOf(OAuthFlowException.class)
                .hasMessageContaining("offers no sign-in through the browser")
                .hasMessageContaining("accepts only an organization's sign-in");
    }

    private int connectionRows(Connector c) {
        return db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value()));
    }

    private int refusals(Org org) {
        return db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("connection.enterprise_refused")));
    }

    private String auditDetails(Org org, String action) {
        return db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq(action))).fetchSingle().value1().data();
    }
}
