package org.connectorconsole.base.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.html.Span;
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
}
