package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.DoctorStep;
import org.connectorconsole.oauth.ClientChoice;
import org.connectorconsole.oauth.OAuthFlowException;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import testpeers.TestAuthorizationServer;

/**
 * MCP 2026-07-28 (SEP-2352): client credentials are bound to the authorization server that issued them. An MCP
 * server (Java SDK, bearer tokens introspected) moves from one Spring Authorization Server to another, both on
 * 127.0.0.1: a dynamic registration is made afresh at the new one and the old client ID never reaches it; the
 * owner's client ID and secret are never sent to it — the member's connect error and the doctor tell the owner —
 * until the owner enters credentials issued there.
 */
@IntegrationTest
class CredentialsBoundToIssuerTest {

    static TestAuthorizationServer as1;
    static TestAuthorizationServer as2;
    static TestMcpServer mcp;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    ConsoleAddress address;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void start() {
        as1 = new TestAuthorizationServer();
        as2 = new TestAuthorizationServer();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/owner", "owner-server", as1.issuer(), "mcp", TestMcpServer.echoTool());
        mcp.oauthProtected("/dynamic", "dynamic-server", as1.issuer(), "mcp", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        mcp.close();
        as2.close();
        as1.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private CallbackOutcome connect(Connector c) throws OAuthFlowException {
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        return connections.complete(back.get("state"), back.get("code"), back.get("iss"), back.get("error"),
                back.get("error_description"));
    }

    private String boundIssuer(Connector c) {
        return db.select(CONNECTOR.OAUTH_CLIENT_ISSUER).from(CONNECTOR).where(CONNECTOR.ID.eq(c.id().value()))
                .fetchOne(CONNECTOR.OAUTH_CLIENT_ISSUER);
    }

    @Test
    void owner_credentials_are_never_sent_to_the_authorization_server_a_server_moves_to() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        String redirect = address.redirectUri();
        String clientId = "owner-" + org.id();
        as1.register(clientId, "owner-secret-1", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, redirect,
                Duration.ofMinutes(5), "mcp", "mcp:admin");
        // the new server would accept the same ID and secret: only the console's rule keeps them away from it
        as2.register(clientId, "owner-secret-1", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, redirect,
                Duration.ofMinutes(5), "mcp", "mcp:admin");
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Moving", mcp.url("/owner"), clientId, "owner-secret-1",
                false));
        assertThat(boundIssuer(c)).as("not used anywhere yet").isNull();

        orgs.signIn(org.members().getFirst());
        assertThat(connect(c).connected()).isTrue();
        assertThat(boundIssuer(c)).isEqualTo(as1.issuer());

        mcp.moveProtected("/owner", as2.issuer());
        int tokenRequestsAtAs2 = as2.tokenRequests();
        String told = ClientChoice.otherIssuer(as1.issuer(), as2.issuer());
        assertThatThrownBy(() -> connections.connect(c.id(), "/settings/connectors"))
                .isInstanceOf(OAuthFlowException.class).hasMessage(told);
        assertThat(as2.tokenRequests()).as("nothing was sent to the new server").isEqualTo(tokenRequestsAtAs2);

        // the doctor tells the owner the same
        orgs.signIn(org.owner());
        List<DoctorStep> steps = new CopyOnWriteArrayList<>();
        CompletableFuture<Diagnosis> done = new CompletableFuture<>();
        connectors.startCheck(c.id(), steps::add, done::complete);
        Diagnosis d = done.get(60, TimeUnit.SECONDS);
        assertThat(d.outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
        assertThat(d.steps()).filteredOn(s -> s.key().equals("registration")).singleElement()
                .satisfies(s -> {
                    assertThat(s.status()).isEqualTo(DoctorStep.Status.FAILED);
                    assertThat(s.advice()).isEqualTo(told);
                });

        // the owner enters credentials issued by the new server: bound afresh at the next connect
        String newId = "owner-new-" + org.id();
        as2.register(newId, "owner-secret-2", ClientAuthenticationMethod.CLIENT_SECRET_BASIC, redirect,
                Duration.ofMinutes(5), "mcp", "mcp:admin");
        Connector changed = connectors.update(c.id(), connectors.get(c.id()).version(),
                new ConnectorForm("Moving", mcp.url("/owner"), newId, "owner-secret-2", false));
        assertThat(boundIssuer(changed)).as("new credentials are not bound to the old server").isNull();
        orgs.signIn(org.members().getFirst());
        CallbackOutcome reconnected = connect(changed);
        assertThat(reconnected.connected()).as(reconnected.message()).isTrue();
        assertThat(boundIssuer(changed)).isEqualTo(as2.issuer());
    }

    @Test
    void a_server_that_moves_gets_a_fresh_registration_and_never_sees_the_old_client_id() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Dynamic", mcp.url("/dynamic")));
        orgs.signIn(org.members().getFirst());
        int at1 = as1.registrations();
        assertThat(connect(c).connected()).isTrue();
        assertThat(as1.registrations() - at1).isEqualTo(1);
        String firstClient = db.select(CONNECTION.CLIENT_ID).from(CONNECTION)
                .where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).fetchOne(CONNECTION.CLIENT_ID);
        assertThat(db.select(CONNECTION.RESOURCE_INDICATOR).from(CONNECTION)
                .where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).fetchOne(CONNECTION.RESOURCE_INDICATOR))
                .as("the resource as the server published it").isEqualTo(mcp.url("/dynamic"));

        mcp.moveProtected("/dynamic", as2.issuer());
        int at2 = as2.registrations();
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        assertThat(start.authorizationUrl()).startsWith(as2.issuer()).doesNotContain(firstClient);
        assertThat(as2.registrations() - at2).as("registered afresh at the new server").isEqualTo(1);
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        CallbackOutcome moved = connections.complete(back.get("state"), back.get("code"), back.get("iss"), null,
                null);
        assertThat(moved.connected()).as(moved.message()).isTrue();
        assertThat(db.select(CONNECTION.ISSUER, CONNECTION.CLIENT_ID).from(CONNECTION)
                .where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).fetchOne())
                .satisfies(r -> {
                    assertThat(r.value1()).isEqualTo(as2.issuer());
                    assertThat(r.value2()).isNotEqualTo(firstClient);
                });
        assertThat(connections.checkNow(c.id()).state()).isEqualTo(MemberConnector.State.CONNECTED);
    }
}
