package org.connectorconsole.connection.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class MemberConnectorsViewTest extends ViewTest {

    static TestMcpServer server;

    @Autowired
    ConnectorService connectors;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().protectedEndpoint("/protected", true, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_member_without_connectors_is_told_who_adds_them() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        navigate("settings/connectors");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(MemberConnectorsView.class);
        assertThat(_get(Span.class, spec -> spec.withText("Settings"))).isNotNull();
        Div empty = _get(Div.class, spec -> spec.withId("no-connectors"));
        assertThat(empty.getElement().getTextRecursively()).contains("An owner of " + org.name() + " adds connectors");
    }

    @Test
    void each_connector_shows_custom_its_state_and_one_action_and_disabled_ones_are_hidden() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.owner());
        Connector files = connectors.add(new ConnectorForm("Files", server.url("/protected"), null, null, false));
        Connector off = connectors.add(new ConnectorForm("Old", server.url("/old"), null, null, false));
        connectors.setEnabled(off.id(), off.version(), false);
        TestOrganizations.signOut();

        signIn(org.members().getFirst());
        navigate("settings/connectors");
        Div card = _get(Div.class, spec -> spec.withId("connector-" + files.id()));
        String text = card.getElement().getTextRecursively();
        assertThat(text).contains("Files", "Custom", "Not connected", "own sign-in page");
        assertThat(_get(Button.class, spec -> spec.withId("connect-" + files.id())).getText()).isEqualTo("Connect");
        assertThat(_find(Div.class, spec -> spec.withId("connector-" + off.id()))).as("disabled: not offered")
                .isEmpty();
    }

    @Test
    void free_plan_is_told_about_paid_plans() {
        Org org = orgs.create(Plan.FREE, 0);
        signIn(org.owner());
        navigate("settings/connectors");
        assertThat(_get(Div.class, spec -> spec.withId("paid-plan-needed")).getElement().getTextRecursively())
                .contains("need a paid plan");
    }
}
