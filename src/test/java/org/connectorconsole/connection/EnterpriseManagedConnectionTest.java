package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.ORG_TOKEN_EXCHANGE;
import static org.connectorconsole.db.Tables.PENDING_AUTHORIZATION;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.DoctorStep;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.security.CurrentMember;
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
 * Enterprise-managed connections in the whole console (services, embedded PostgreSQL) against an identity provider
 * and an MCP authorization server that both run in this JVM ({@link EnterpriseIdentityPeers}), in front of a real
 * MCP server (Java SDK) that accepts only that authorization server's tokens. The member's ID token is kept as
 * single sign-on keeps it ({@link SsoAssertions#keep}); owners set up the exchange and switch the connector on.
 */
@IntegrationTest
class EnterpriseManagedConnectionTest {

    static EnterpriseIdentityPeers peers;
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
    CurrentMember currentMember;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void start() {
        peers = new EnterpriseIdentityPeers();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/ema", "Enterprise tools", peers.asIssuer(), "tools.read", TestMcpServer.echoTool());
        peers.serving(mcp.url("/ema"));
    }

    @AfterAll
    static void stop() {
        mcp.close();
        peers.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** An organization whose owner set up the exchange and switched the connector to the organization's sign-in. */
    private Connector setUp(Org org) {
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Enterprise tools", mcp.url("/ema"),
                EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET, false));
        enterprise.saveTokenExchange(true, peers.idpTokenEndpoint().toString(), EnterpriseIdentityPeers.IDP_CLIENT_ID,
                EnterpriseIdentityPeers.IDP_CLIENT_SECRET);
        enterprise.setEnterpriseManaged(c.id(), true);
        return c;
    }

    @Test
    void a_member_signed_in_with_sso_is_connected_without_a_click_calls_a_tool_and_is_renewed_by_exchange()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = setUp(org);
        var alice = org.members().getFirst();
        assertions.keep(alice.id(), peers.idpIssuer(), peers.idToken("alice", Instant.now().plusSeconds(900)),
                Instant.now().plusSeconds(900));
        int exchanges = peers.exchanges();

        orgs.signIn(alice);
        List<EnterpriseManagedService.ManagedConnection> page = enterprise.connectAutomatically();
        assertThat(page).singleElement().satisfies(m -> {
            assertThat(m.connected()).isTrue();
            assertThat(m.message()).isEqualTo("Connected through your organization's sign-in.");
        });
        assertThat(peers.exchanges()).isEqualTo(exchanges + 1);
        assertThat(db.fetchCount(PENDING_AUTHORIZATION, PENDING_AUTHORIZATION.ORG_ID.eq(org.id())))
                .as("no browser authorization was started").isZero();
        var row = db.selectFrom(CONNECTION).where(CONNECTION.CONNECTOR_ID.eq(c.id().value())
                .and(CONNECTION.USER_ID.eq(alice.id()))).fetchSingle();
        assertThat(row.getEnterpriseManaged()).isTrue();
        assertThat(row.getStatus()).isEqualTo("CONNECTED");
        assertThat(row.getRefreshToken()).isNull();
        assertThat(new String(row.getAccessToken(), StandardCharsets.ISO_8859_1)).doesNotContain("ema-");
        assertThat(enterprise.enterpriseManagedConnectors()).containsExactly(c.id());

        assertThat(echo(c, "through the organization")).isEqualTo("through the organization");

        // the access token runs out: the next call is refused, and the console exchanges again by itself
        peers.expireAccessTokens();
        assertThat(echo(c, "renewed")).isEqualTo("renewed");
        assertThat(peers.exchanges()).isEqualTo(exchanges + 2);
        assertThat(actions(org)).contains("connection.enterprise_connected", "token_exchange.updated",
                "connector.enterprise_managed");
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("connection.enterprise_connected")))).isEqualTo(2);

        // a second visit to the page connects nothing anew
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> assertThat(m.connected())
                .isTrue());
        assertThat(peers.exchanges()).isEqualTo(exchanges + 2);
    }

    @Test
    void the_identity_providers_refusal_is_shown_as_its_refusal_with_its_reason_and_audited() {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = setUp(org);
        var bob = org.members().getFirst();
        peers.deny("bob");
        assertions.keep(bob.id(), peers.idpIssuer(), peers.idToken("bob", Instant.now().plusSeconds(900)),
                Instant.now().plusSeconds(900));

        orgs.signIn(bob);
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> {
            assertThat(m.connected()).isFalse();
            assertThat(m.message()).isEqualTo("Your organization's identity provider did not allow access to "
                    + "Enterprise tools.");
            assertThat(m.detail()).contains("MCP-Engineering-Only");
        });
        assertThat(db.fetchCount(CONNECTION, CONNECTION.CONNECTOR_ID.eq(c.id().value()))).isZero();
        String details = db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("connection.enterprise_refused"))).fetchSingle().value1().data();
        assertThat(details).contains("identity_provider").contains("access_denied");
    }

    @Test
    void a_member_without_a_single_sign_on_is_told_to_sign_in_and_nothing_is_exchanged() {
        Org org = orgs.create(Plan.TEAM, 1);
        setUp(org);
        int exchanges = peers.exchanges();
        orgs.signIn(org.members().getFirst());
        assertThat(enterprise.connectAutomatically()).singleElement().satisfies(m -> {
            assertThat(m.connected()).isFalse();
            assertThat(m.message()).startsWith("Sign in with your organization's single sign-on");
        });
        assertThat(peers.exchanges()).isEqualTo(exchanges);
    }

    @Test
    void the_owners_settings_refuse_an_address_the_console_would_not_call_and_keep_the_secret_sealed() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> enterprise.saveTokenExchange(true, "http://169.254.169.254/token", "console", "s"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("will not call");
        assertThat(db.fetchCount(ORG_TOKEN_EXCHANGE, ORG_TOKEN_EXCHANGE.ORG_ID.eq(org.id()))).isZero();

        enterprise.saveTokenExchange(true, peers.idpTokenEndpoint().toString(), "console", "a-secret-value");
        enterprise.saveTokenExchange(false, peers.idpTokenEndpoint().toString(), "console", "");
        assertThat(enterprise.tokenExchange()).isEqualTo(new EnterpriseManagedService.TokenExchange(false,
                peers.idpTokenEndpoint().toString(), "console", true));
        byte[] stored = db.select(ORG_TOKEN_EXCHANGE.CLIENT_SECRET).from(ORG_TOKEN_EXCHANGE)
                .where(ORG_TOKEN_EXCHANGE.ORG_ID.eq(org.id())).fetchSingle().value1();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("a-secret-value");
    }

    @Test
    void the_doctor_tells_the_owner_that_the_server_supports_it() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Enterprise tools", mcp.url("/ema"),
                EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET, false));
        CompletableFuture<Diagnosis> done = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, done::complete);
        var diagnosis = done.get(60, TimeUnit.SECONDS);
        assertThat(diagnosis.steps()).filteredOn(s -> s.key().equals("enterprise-managed")).singleElement()
                .satisfies(s -> {
                    assertThat(s.status()).isEqualTo(DoctorStep.Status.PASSED);
                    assertThat(s.seen()).contains("organization's sign-in");
                });
    }

    private String echo(Connector c, String message) throws Exception {
        try (McpToolSession session = connections.openSession(currentMember.require(), c.id(),
                Duration.ofSeconds(20))) {
            ToolOutcome outcome = session.call("echo", Map.of("message", message), p -> { });
            assertThat(outcome.isError()).isFalse();
            return outcome.content().getFirst().text();
        }
    }

    private List<String> actions(Org org) {
        return db.select(AUDIT_EVENT.ACTION).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id()))
                .fetch(AUDIT_EVENT.ACTION);
    }
}
