package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTOR;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
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
import org.springframework.security.access.AccessDeniedException;

@IntegrationTest
class ConnectorServiceTest {

    static TestMcpServer server;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void start() {
        server = new TestMcpServer()
                .streamable("/mcp", "plain-server", TestMcpServer.echoTool(), TestMcpServer.addTool())
                .protectedEndpoint("/protected", true, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private static ValidationException validation(Throwable e) {
        return (ValidationException) e;
    }

    @Test
    void owner_adds_a_connector_which_appears_in_the_list_and_the_audit_log() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector added = connectors.add(ConnectorForm.of("Local tools", server.url("/mcp")));
        assertThat(added.enabled()).isTrue();
        assertThat(added.url()).isEqualTo(server.url("/mcp"));
        assertThat(connectors.list()).extracting(Connector::name).containsExactly("Local tools");
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("connector.added")).and(AUDIT_EVENT.TARGET_ID.eq(added.id().toString()))))
                .isEqualTo(1);
    }

    @Test
    void blank_name_defaults_to_the_host() {
        Org org = orgs.create(Plan.PRO, 0);
        orgs.signIn(org.owner());
        assertThat(connectors.add(ConnectorForm.of(" ", server.url("/mcp"))).name()).isEqualTo("127.0.0.1");
    }

    @Test
    void the_same_url_twice_is_refused_even_spelled_differently() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        connectors.add(ConnectorForm.of("First", server.url("/mcp")));
        assertThatThrownBy(() -> connectors.add(ConnectorForm.of("Second",
                "HTTP://127.0.0.1:" + server.port() + "/mcp")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(validation(e).fieldErrors().get("url")).contains("already has a connector")
                        .contains("First"));
        assertThat(connectors.list()).hasSize(1);
    }

    @Test
    void bad_urls_are_explained_and_nothing_is_stored() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        for (String bad : List.of("", "mcp.example.com", "ftp://example.com/", "https://u:p@example.com/",
                "https://example.com/#x", "http://example.com/mcp", "https://10.0.0.1:port/")) {
            assertThatThrownBy(() -> connectors.add(ConnectorForm.of("Bad", bad))).as(bad)
                    .isInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(validation(e).fieldErrors()).containsKey("url"));
        }
        assertThat(connectors.list()).isEmpty();
    }

    @Test
    void client_secret_is_write_only_sealed_and_kept_when_left_empty() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        String secret = "s3cret-" + System.nanoTime();
        Connector c = connectors.add(new ConnectorForm("Jira", server.url("/protected"), "client-123", secret, false));
        assertThat(c.clientSecretSet()).isTrue();
        assertThat(c.toString()).doesNotContain(secret);
        byte[] stored = db.fetchValue(db.select(CONNECTOR.OAUTH_CLIENT_SECRET).from(CONNECTOR)
                .where(CONNECTOR.ID.eq(c.id().value())));
        assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(secret);

        Connector renamed = connectors.update(c.id(), c.version(),
                new ConnectorForm("Jira Cloud", c.url(), "client-123", "", false));
        assertThat(renamed.clientSecretSet()).as("empty secret field keeps the secret").isTrue();
        assertThat(db.fetchValue(db.select(CONNECTOR.OAUTH_CLIENT_SECRET).from(CONNECTOR)
                .where(CONNECTOR.ID.eq(c.id().value())))).isEqualTo(stored);

        Connector removed = connectors.update(c.id(), renamed.version(),
                new ConnectorForm("Jira Cloud", c.url(), "client-123", null, true));
        assertThat(removed.clientSecretSet()).isFalse();
        var audit = db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.TARGET_ID.eq(c.id().toString()))
                .fetch(r -> r.value1().data());
        assertThat(audit).isNotEmpty().noneMatch(details -> details.contains(secret));
        assertThat(audit).anyMatch(details -> details.contains("\"oauthClientSecret\": \"removed\"")
                || details.contains("\"oauthClientSecret\":\"removed\""));
    }

    @Test
    void a_secret_without_a_client_id_is_refused() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> connectors.add(new ConnectorForm("X", server.url("/mcp"), "", "secret", false)))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(validation(e).fieldErrors()).containsKey("oauthClientId"));
    }

    @Test
    void second_of_two_concurrent_edits_is_refused_and_the_first_is_kept() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Original", server.url("/mcp")));
        connectors.update(c.id(), c.version(), ConnectorForm.of("Owner A's name", c.url()));
        assertThatThrownBy(() -> connectors.update(c.id(), c.version(), ConnectorForm.of("Owner B's name", c.url())))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("Someone else changed this connector");
        assertThatThrownBy(() -> connectors.setEnabled(c.id(), c.version(), false))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> connectors.remove(c.id(), c.version())).isInstanceOf(ConflictException.class);
        assertThat(connectors.get(c.id()).name()).isEqualTo("Owner A's name");
        assertThat(connectors.get(c.id()).enabled()).isTrue();
    }

    @Test
    void owner_disables_enables_and_removes() {
        Org org = orgs.create(Plan.ENTERPRISE, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        Connector disabled = connectors.setEnabled(c.id(), c.version(), false);
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.stateLabel()).isEqualTo("Turned off");
        Connector enabled = connectors.setEnabled(c.id(), disabled.version(), true);
        connectors.remove(c.id(), enabled.version());
        assertThatThrownBy(() -> connectors.get(c.id())).isInstanceOf(NotFoundException.class);
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.TARGET_ID.eq(c.id().toString())))
                .as("added, disabled, enabled, removed").isEqualTo(4);
    }

    @Test
    void member_cannot_see_or_change_connectors() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> connectors.list()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.get(c.id())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.add(ConnectorForm.of("Mine", server.url("/other"))))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.update(c.id(), c.version(), ConnectorForm.of("X", c.url())))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.setEnabled(c.id(), c.version(), false))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.remove(c.id(), c.version())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> connectors.startCheck(c.id(), s -> { }, d -> { }))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void owner_of_another_organization_gets_nothing() {
        Org acme = orgs.create(Plan.TEAM, 0);
        orgs.signIn(acme.owner());
        Connector c = connectors.add(ConnectorForm.of("Acme tools", server.url("/mcp")));
        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        assertThat(connectors.list()).isEmpty();
        assertThatThrownBy(() -> connectors.get(c.id())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> connectors.update(c.id(), c.version(), ConnectorForm.of("Mine", c.url())))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> connectors.remove(c.id(), c.version())).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> connectors.startCheck(c.id(), s -> { }, d -> { }))
                .isInstanceOf(NotFoundException.class);
        // the same URL is fine in another organization
        assertThat(connectors.add(ConnectorForm.of("Own copy", server.url("/mcp"))).name()).isEqualTo("Own copy");
        orgs.signIn(acme.owner());
        assertThat(connectors.get(c.id()).name()).isEqualTo("Acme tools");
    }

    @Test
    void free_individual_is_told_custom_connectors_need_a_paid_plan() {
        Org free = orgs.create(Plan.FREE, 0);
        orgs.signIn(free.owner());
        assertThat(connectors.availability()).isEqualTo(ConnectorService.Availability.NEEDS_PAID_PLAN);
        assertThatThrownBy(() -> connectors.add(ConnectorForm.of("X", server.url("/mcp"))))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("paid plan");
    }

    @Test
    void check_runs_in_the_background_reports_each_step_and_stores_the_result() throws Exception {
        Org org = orgs.create(Plan.MAX, 0);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        List<DoctorStep> steps = new CopyOnWriteArrayList<>();
        CompletableFuture<Diagnosis> done = new CompletableFuture<>();
        connectors.startCheck(c.id(), steps::add, done::complete);
        Diagnosis d = done.get(60, TimeUnit.SECONDS);
        assertThat(d.outcome()).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(steps).hasSize(d.steps().size());
        Connector stored = connectors.get(c.id());
        assertThat(stored.lastCheck().outcome()).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(stored.lastCheck().tools()).hasSize(2);
        assertThat(stored.stateLabel()).isEqualTo("No sign-in needed");
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.TARGET_ID.eq(c.id().toString())
                .and(AUDIT_EVENT.ACTION.eq("connector.checked")))).isEqualTo(1);

        // a new URL drops the old check: it was of another server
        Connector moved = connectors.update(c.id(), stored.version(), ConnectorForm.of("Tools", server.url("/protected")));
        assertThat(moved.lastCheck()).isNull();
    }
}
