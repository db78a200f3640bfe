package org.connectorconsole.connection.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.GridKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.ConnectorUseState;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectionOverview;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRequest;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import testpeers.TestAuthorizationServer;

/**
 * Issue 19's "one truth": walks a member through every state a connector can be in for them — no sign-in needed
 * (and used), not connected, connected, reconnect needed, failing, turned off — and checks that the member's page,
 * the owners' connections overview and the owners' connector list show each connector in the same state, with the
 * same words (the badge's {@code data-state} is the shared {@link ConnectorUseState}).
 */
class StatesAgreeViewTest extends ViewTest {

    static TestAuthorizationServer as;
    static TestMcpServer servers;
    static TestMcpServer goingDown;

    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer();
        servers = new TestMcpServer()
                .streamable("/open", "open-files", TestMcpServer.echoTool())
                .oauthProtected("/never", "never-files", as.issuer(), "mcp", TestMcpServer.echoTool())
                .oauthProtected("/connected", "connected-files", as.issuer(), "mcp", TestMcpServer.echoTool())
                .oauthProtected("/reauth", "reauth-files", as.issuer(), "mcp", TestMcpServer.echoTool())
                .oauthProtected("/off", "off-files", as.issuer(), "mcp", TestMcpServer.echoTool());
        goingDown = new TestMcpServer().oauthProtected("/failing", "failing-files", as.issuer(), "mcp",
                TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        servers.close();
        goingDown.close();
        as.close();
    }

    @Test
    void the_member_page_the_overview_and_the_owners_list_agree_on_every_state() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        orgs.signIn(org.owner());
        Connector open = checked(connectors.add(ConnectorForm.of("Open", servers.url("/open"))));
        Connector never = checked(connectors.add(ConnectorForm.of("Never", servers.url("/never"))));
        Connector connected = checked(connectors.add(ConnectorForm.of("Connected", servers.url("/connected"))));
        Connector reauth = checked(connectors.add(ConnectorForm.of("Reauth", servers.url("/reauth"))));
        Connector failing = checked(connectors.add(ConnectorForm.of("Failing", goingDown.url("/failing"))));
        Connector off = checked(connectors.add(ConnectorForm.of("Off", servers.url("/off"))));
        assertThat(open.lastCheck().outcome()).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(never.lastCheck().outcome()).isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
        assertThat(policies.approveAllNew(open.id())).as("the open server's tool, listed by the check").isPositive();

        orgs.signIn(member);
        for (Connector c : new Connector[] {connected, reauth, failing}) {
            CallbackOutcome outcome = AuthorizationBrowser.connect(connections, c.id(), "/settings/connectors");
            assertThat(outcome.connected()).as(outcome.message()).isTrue();
        }
        // the member runs a tool on the server that needs no sign-in: that is a use, though there is no connection
        Conversation conv = conversations.create("States");
        conversations.setEnabled(conv.id(), open.id(), true);
        assertThat(run(new ToolCallRequest(conv.id(), open.id(), "echo", "{\"message\":\"hi\"}", null)).status())
                .isEqualTo(ToolCallStatus.SUCCEEDED);
        TestOrganizations.signOut();

        // the server refused a renewal (as ConnectionTokens records it), one server went away, an owner turned one off
        jdbc.update("update connection set status = 'NEEDS_REAUTH', status_reason = 'Renewing your sign-in failed: "
                + "invalid_grant. Reconnect.' where connector_id = ?", reauth.id().value());
        goingDown.close();
        orgs.signIn(org.owner());
        connectors.setEnabled(off.id(), connectors.get(off.id()).version(), false);
        TestOrganizations.signOut();

        Map<ConnectorId, ConnectorUseState> expected = new LinkedHashMap<>();
        expected.put(open.id(), ConnectorUseState.NO_SIGN_IN);
        expected.put(never.id(), ConnectorUseState.NOT_CONNECTED);
        expected.put(connected.id(), ConnectorUseState.CONNECTED);
        expected.put(reauth.id(), ConnectorUseState.NEEDS_RECONNECT);
        expected.put(failing.id(), ConnectorUseState.FAILING);

        // the member's page, once its checks with the servers have answered
        signIn(member);
        navigate("settings/connectors");
        awaitChecks();
        Map<ConnectorId, ConnectorUseState> memberPage = new LinkedHashMap<>();
        for (ConnectorId id : expected.keySet()) {
            Div card = _get(Div.class, spec -> spec.withId("connector-" + id));
            memberPage.put(id, state(_get(card, Span.class, spec -> spec.withClasses("console-connection-state"))));
        }
        assertThat(memberPage).isEqualTo(expected);
        assertThat(_find(Div.class, spec -> spec.withId("connector-" + off.id()))).as("turned off: not offered")
                .isEmpty();
        // what needs the member's action comes first
        var order = _get(com.vaadin.flow.component.orderedlayout.VerticalLayout.class,
                spec -> spec.withId("member-connectors")).getChildren().map(c -> c.getId().orElse("")).toList();
        assertThat(order.subList(0, 3)).containsExactlyInAnyOrder("connector-" + never.id(),
                "connector-" + reauth.id(), "connector-" + failing.id());
        TestOrganizations.signOut();

        // the owners' overview: the member's row for each connector
        signIn(org.owner());
        navigate("organization/connections");
        @SuppressWarnings("unchecked")
        Grid<ConnectionOverview.Row> overview = _get(Grid.class, spec -> spec.withId("connections-overview"));
        Map<ConnectorId, ConnectorUseState> overviewStates = new LinkedHashMap<>();
        Map<ConnectorId, String> lastUse = new LinkedHashMap<>();
        for (int i = 0; i < GridKt._size(overview); i++) {
            ConnectionOverview.Row row = GridKt._get(overview, i);
            if (row.memberEmail().equals(member.email())) {
                overviewStates.put(row.connectorId(), state(GridKt._getCellComponent(overview, i, "state")));
                lastUse.put(row.connectorId(), GridKt._getFormattedRow(overview, i).get(5));
            }
        }
        assertThat(overviewStates).isEqualTo(expected);
        assertThat(lastUse.get(open.id())).as("a tool run on a no-sign-in server is a use").isNotEqualTo("never");
        assertThat(lastUse.get(never.id())).isEqualTo("never");
        assertThat(_get(Div.class, spec -> spec.withId("count-no_sign_in")).getElement().getTextRecursively())
                .as("the owner and the member are both free to use the open server").contains("2");

        // the owners' list: the connector's own state in the same words, and who is connected
        navigate("connectors");
        @SuppressWarnings("unchecked")
        Grid<Connector> list = _get(Grid.class, spec -> spec.withId("connectors"));
        Map<ConnectorId, ConnectorUseState> listStates = new LinkedHashMap<>();
        Map<ConnectorId, String> connectedCounts = new LinkedHashMap<>();
        for (int i = 0; i < GridKt._size(list); i++) {
            Connector c = GridKt._get(list, i);
            listStates.put(c.id(), state(GridKt._getCellComponent(list, i, "state")));
            connectedCounts.put(c.id(), GridKt._getFormattedRow(list, i).get(3));
        }
        assertThat(listStates).containsEntry(open.id(), ConnectorUseState.NO_SIGN_IN)
                .containsEntry(off.id(), ConnectorUseState.TURNED_OFF)
                .containsEntry(never.id(), ConnectorUseState.SIGN_IN_PER_MEMBER)
                .containsEntry(connected.id(), ConnectorUseState.SIGN_IN_PER_MEMBER);
        assertThat(connectedCounts.get(connected.id())).as("the overview's one connected member").isEqualTo("1 member");
        assertThat(connectedCounts.get(reauth.id())).isEqualTo("0 members");
        assertThat(connectedCounts.get(open.id())).as("nobody connects to a server that needs no sign-in")
                .isEqualTo("—");
    }

    private Connector checked(Connector c) throws Exception {
        CompletableFuture<Diagnosis> done = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, done::complete);
        done.get(60, TimeUnit.SECONDS);
        return connectors.get(c.id());
    }

    private ToolCallEntry run(ToolCallRequest request) throws Exception {
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(request, new ToolCallListener() {
            @Override
            public void progress(McpToolSession.Progress progress) {
            }

            @Override
            public void finished(ToolCallEntry entry) {
                done.complete(entry);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }

    /** Until no card says "Checking…" (each check is bounded by the connection timeout). */
    private static void awaitChecks() throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!_find(Span.class, spec -> spec.withAttribute("data-state", ConnectorUseState.CHECKING.name()))
                .isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            MockVaadin.clientRoundtrip(false);
        }
        assertThat(_find(Span.class, spec -> spec.withAttribute("data-state", ConnectorUseState.CHECKING.name())))
                .as("every check answered").isEmpty();
    }

    private static ConnectorUseState state(Component badge) {
        return ConnectorUseState.valueOf(badge.getElement().getAttribute("data-state"));
    }
}
