package org.connectorconsole.connection.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.github.mvysny.kaributesting.v10.pro.ConfirmDialogKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.support.AuthorizationBrowser;
import org.springframework.jdbc.core.JdbcTemplate;
import testpeers.TestAuthorizationServer;
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
    static TestMcpServer open;
    static TestAuthorizationServer as;

    @Autowired
    ConnectionService connections;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ConnectorService connectors;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().protectedEndpoint("/protected", true, true);
        as = new TestAuthorizationServer();
        open = new TestMcpServer().streamable("/open", "open-files", TestMcpServer.echoTool(), TestMcpServer.addTool())
                .oauthProtected("/signed", "signed-files", as.issuer(), "mcp", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        server.close();
        open.close();
        as.close();
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

    @Test
    void a_server_without_sign_in_is_said_plainly_not_in_red_and_tools_held_for_review_are_not_counted()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector c = checked(connectors.add(ConnectorForm.of("Open files", open.url("/open"))));
        TestOrganizations.signOut();

        signIn(org.members().getFirst());
        navigate("settings/connectors");
        awaitChecks();
        Div card = _get(Div.class, spec -> spec.withId("connector-" + c.id()));
        Span state = _get(card, Span.class, spec -> spec.withClasses("console-connection-state"));
        assertThat(state.getText()).isEqualTo("No sign-in needed");
        assertThat(state.getElement().getThemeList()).contains("success");
        Paragraph note = _get(Paragraph.class, spec -> spec.withId("no-sign-in-" + c.id()));
        assertThat(note.getText()).startsWith("This server needs no sign-in");
        assertThat(note.getClassNames()).as("a fact, not an error").contains("console-muted")
                .doesNotContain("console-connection-reason");
        assertThat(_find(card, Paragraph.class, spec -> spec.withClasses("console-connection-reason"))).isEmpty();
        // both tools are new and held (decision 0017): none is "a tool you can use" yet
        assertThat(card.getElement().getTextRecursively()).doesNotContain("you can use:");
        assertThat(_get(Span.class, spec -> spec.withId("waiting-" + c.id())).getText())
                .isEqualTo("2 tools wait for an owner's review before you can use them.");

        orgs.signIn(org.owner());
        assertThat(policies.approveAllNew(c.id())).isEqualTo(2);
        signIn(org.members().getFirst());
        navigate("account"); // the same route again would keep the page as it is
        navigate("settings/connectors");
        awaitChecks();
        assertThat(_get(Span.class, spec -> spec.withId("tools-" + c.id())).getText())
                .isEqualTo("2 tools you can use:");
        assertThat(_find(Span.class, spec -> spec.withId("waiting-" + c.id()))).isEmpty();
    }

    @Test
    void access_without_a_refresh_token_is_said_to_end_and_disconnect_asks_first() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector c = connectors.add(ConnectorForm.of("Signed files", open.url("/signed")));
        orgs.signIn(org.members().getFirst());
        CallbackOutcome outcome = AuthorizationBrowser.connect(connections, c.id(), "/settings/connectors");
        assertThat(outcome.connected()).as(outcome.message()).isTrue();
        jdbc.update("update connection set expires_at = now() + interval '59 minutes' where connector_id = ?",
                c.id().value());

        signIn(org.members().getFirst());
        navigate("settings/connectors");
        awaitChecks();
        assertThat(_get(Span.class, spec -> spec.withId("access-" + c.id())).getText()).startsWith("Access renews in ");

        // the server issued no refresh token: access ends, and the member must reconnect then
        jdbc.update("update connection set refresh_token = null where connector_id = ?", c.id().value());
        navigate("account"); // the same route again would keep the page as it is
        navigate("settings/connectors");
        awaitChecks();
        String access = _get(Span.class, spec -> spec.withId("access-" + c.id())).getText();
        assertThat(access).startsWith("Access ends in ").endsWith(" — you will need to reconnect.")
                .doesNotContain("renews");

        // Disconnect asks first; Cancel changes nothing
        _click(_get(Button.class, spec -> spec.withId("disconnect-" + c.id())));
        ConfirmDialog confirm = _get(ConfirmDialog.class);
        assertThat(ConfirmDialogKt._getHeader(confirm)).isEqualTo("Disconnect Signed files?");
        ConfirmDialogKt._fireCancel(confirm);
        confirm.close();
        assertThat(jdbc.queryForObject("select count(*) from connection where connector_id = ?", Integer.class,
                c.id().value())).as("Cancel keeps the connection").isOne();
        assertThat(_get(Button.class, spec -> spec.withId("disconnect-" + c.id())).isEnabled()).isTrue();

        _click(_get(Button.class, spec -> spec.withId("disconnect-" + c.id())));
        ConfirmDialogKt._fireConfirm(_get(ConfirmDialog.class));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (NotificationsKt.getNotifications().isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            MockVaadin.clientRoundtrip(false);
        }
        Notification done = NotificationsKt.getNotifications().getLast();
        assertThat(done.getElement().getProperty("text")).contains("The server revoked your tokens");
        assertThat(done.getElement().getThemeList()).as("done in full: green").contains("success");
        assertThat(jdbc.queryForObject("select count(*) from connection where connector_id = ?", Integer.class,
                c.id().value())).isZero();
    }

    private Connector checked(Connector c) throws Exception {
        CompletableFuture<Diagnosis> done = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, done::complete);
        done.get(60, TimeUnit.SECONDS);
        return connectors.get(c.id());
    }

    /** Until no card says "Checking…" (each check is bounded by the connection timeout). */
    static void awaitChecks() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!_find(Span.class, spec -> spec.withAttribute("data-state", "CHECKING")).isEmpty()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            MockVaadin.clientRoundtrip(false);
        }
        assertThat(_find(Span.class, spec -> spec.withAttribute("data-state", "CHECKING")))
                .as("every check answered").isEmpty();
    }
}
