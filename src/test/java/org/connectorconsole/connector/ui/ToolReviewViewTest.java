package org.connectorconsole.connector.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Paragraph;
import java.time.Duration;
import java.time.Instant;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The connector page's tool review (moved from ConversationViewsTest: it is the connector page's panel). */
class ToolReviewViewTest extends ViewTest {

    static TestMcpServer server;

    @Autowired
    ConnectorService connectors;
    @Autowired
    ToolPolicyService policies;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().streamable("/mcp", "tools", TestMcpServer.echoTool(), TestMcpServer.addTool());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void the_owner_sees_new_tools_held_for_review_and_approves_them_on_the_connector_page() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        navigate("connectors/" + c.id());
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (policies.tools(c.id()).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            MockVaadin.clientRoundtrip(false);
        }
        MockVaadin.clientRoundtrip(false);
        navigate("connectors/" + c.id());
        Grid<?> grid = _get(Grid.class, spec -> spec.withId("tool-policy-grid"));
        assertThat(grid.isVisible()).isTrue();
        assertThat(_get(Paragraph.class, spec -> spec.withId("tool-review-summary")).getText())
                .isEqualTo("2 new waiting for your review.");
        _click(_get(Button.class, spec -> spec.withId("approve-all-new")));
        assertThat(_get(Paragraph.class, spec -> spec.withId("tool-review-summary")).getText())
                .isEqualTo("All 2 tools reviewed.");
        assertThat(policies.tools(c.id())).allSatisfy(t -> assertThat(t.review())
                .isEqualTo(ConnectorTool.Review.APPROVED));
    }
}
