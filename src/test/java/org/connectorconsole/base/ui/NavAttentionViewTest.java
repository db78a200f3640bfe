package org.connectorconsole.base.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.html.Span;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The owners' navigation shows what waits for them: tools to review, members asked to reconnect who have not. */
class NavAttentionViewTest extends ViewTest {

    static TestMcpServer server;

    @Autowired
    ConnectorService connectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConnectionOverviewService overview;
    @Autowired
    NavAttentionCounts counts;
    @Autowired
    org.connectorconsole.base.LiveChanges live;
    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().streamable("/mcp", "files", TestMcpServer.echoTool(), TestMcpServer.addTool());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void the_owners_menu_counts_tools_to_review_and_members_who_have_not_reconnected() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Files", server.url("/mcp")));
        CompletableFuture<Diagnosis> checked = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        checked.get(60, TimeUnit.SECONDS);
        overview.requestReconnect(c.id(), org.members().get(0).id());
        TestOrganizations.signOut();

        signIn(org.owner());
        navigate("");
        Span tools = _get(Span.class, spec -> spec.withId("attention-connectors"));
        assertThat(tools.getText()).isEqualTo("2");
        assertThat(tools.getElement().getAttribute("aria-label")).isEqualTo("2 tools wait for your review");
        Span reconnect = _get(Span.class, spec -> spec.withId("attention-organization-connections"));
        assertThat(reconnect.getText()).isEqualTo("1");
        assertThat(reconnect.getElement().getAttribute("aria-label"))
                .isEqualTo("1 member you asked to reconnect has not yet");

        // reviewed: the count goes away on the next page
        orgs.signIn(org.owner());
        policies.approveAllNew(c.id());
        signIn(org.owner());
        navigate("account");
        assertThat(_find(Span.class, spec -> spec.withId("attention-connectors"))).isEmpty();
        TestOrganizations.signOut();

        // a member is shown nothing of it
        signIn(org.members().get(1));
        navigate("");
        assertThat(_find(Span.class, spec -> spec.withClasses("console-nav-attention"))).isEmpty();
    }

    @Test
    void the_counts_are_kept_between_pages_and_a_change_on_this_or_another_instance_reaches_the_badge()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Files", server.url("/mcp")));
        CompletableFuture<Diagnosis> checked = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        checked.get(60, TimeUnit.SECONDS);
        TestOrganizations.signOut();

        signIn(org.owner());
        navigate("");
        assertThat(_get(Span.class, spec -> spec.withId("attention-connectors")).getText()).isEqualTo("2");
        long reads = counts.reads();
        navigate("account");
        navigate("organization/members");
        assertThat(counts.reads()).as("moving between pages reads no count").isEqualTo(reads);
        assertThat(_get(Span.class, spec -> spec.withId("attention-connectors")).getText()).isEqualTo("2");

        // a change on this instance: the next page counts again, at once
        orgs.signIn(org.owner());
        policies.approve(c.id(), "echo", policies.tools(c.id()).stream().filter(t -> t.name().equals("echo"))
                .findFirst().orElseThrow().version());
        signIn(org.owner());
        navigate("account");
        assertThat(_get(Span.class, spec -> spec.withId("attention-connectors")).getText()).isEqualTo("1");
        assertThat(counts.reads()).isGreaterThan(reads);

        // another instance's change: its commit and its NOTIFY reach this one through the database
        int held = jdbc.queryForObject("select count(*) from connector_tool where org_id = ? and pending_fingerprint"
                + " is not null", Integer.class, org.id().value());
        assertThat(_get(Span.class, spec -> spec.withId("attention-connectors")).getText())
                .isEqualTo(Integer.toString(held));
        assertThat(held).isPositive();
        jdbc.update("delete from connector_tool where org_id = ? and pending_fingerprint is not null",
                org.id().value());
        navigate("organization/members");
        assertThat(_get(Span.class, spec -> spec.withId("attention-connectors")).getText())
                .as("nobody told this instance yet").isEqualTo(Integer.toString(held));
        awaitTrue(live::listening, "the console's listener to LISTEN");
        long heard = counts.changesHeard(org.id());
        jdbc.queryForObject("select pg_notify('console_live', ?)", Object.class,
                "1;" + org.id().value() + ";TOOLS;-");
        awaitTrue(() -> counts.changesHeard(org.id()) > heard, "the NOTIFY to be heard");
        navigate("account");
        assertThat(_find(Span.class, spec -> spec.withId("attention-connectors"))).as("told: counted again")
                .isEmpty();
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        java.time.Instant deadline = java.time.Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            if (java.time.Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
