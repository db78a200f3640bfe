package org.connectorconsole.conversation.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.server.VaadinSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRequest;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A conversation open on one page, a call run elsewhere (another tab, the gateway: here the service, as they call
 * it): its result appears on the open page by itself, pushed through {@code ui.access}.
 */
class LiveConversationViewTest extends ViewTest {

    static TestMcpServer server;

    @Autowired
    ConversationService conversations;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    LiveChanges live;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().streamable("/mcp", "tools", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A Team organization whose owner added the test server with new tools allowed, checked (the owner stays signed in). */
    private Connector checkedConnector() throws Exception {
        acme = orgs.create(Plan.TEAM, 1);
        signIn(acme.owner());
        policies.updateSettings(ToolSettings.NewTools.ALLOW, false, policies.settings().version());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        CompletableFuture<Diagnosis> checked = new CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        checked.get(60, TimeUnit.SECONDS);
        return c;
    }

    /** The member's new conversation with the connector switched on, open in the UI. */
    private Conversation openConversation(String title, Connector c) {
        signIn(acme.members().getFirst());
        Conversation conv = conversations.create(title);
        conversations.setEnabled(conv.id(), c.id(), true);
        navigate("conversations/" + conv.id());
        return conv;
    }

    /** The test's organization (made by {@link #checkedConnector}). */
    private Org acme;

    @Test
    void a_call_finished_elsewhere_appears_on_the_open_conversation_and_the_list_moves() throws Exception {
        Connector c = checkedConnector();
        Conversation conv = openConversation("Live", c);
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(ConversationView.class);
        assertThat(shown("no-history")).isTrue();

        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(new ToolCallRequest(conv.id(), c.id(), "echo", "{\"message\":\"from another tab\"}",
                null), new ToolCallListener() {
                    @Override
                    public void progress(McpToolSession.Progress p) {
                    }

                    @Override
                    public void finished(ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        done.get(60, TimeUnit.SECONDS);

        List<Pre> results = pushedUntil(() -> _find(Pre.class, spec -> spec.withClasses("console-call-text")).stream()
                .filter(p -> p.getText().equals("from another tab")).toList());
        assertThat(results).as("the finished call, once").hasSize(1);
        assertThat(shown("no-history")).isFalse();
    }

    @Test
    void the_tool_list_is_drawn_again_only_when_what_it_shows_changed() throws Exception {
        Connector c = checkedConnector();
        Conversation conv = openConversation("Live tools", c);
        Div card = pushedUntil(() -> _find(Div.class, spec -> spec.withId("tool-echo"))).getFirst();
        ToolList list = _get(ToolList.class);

        // told of a change that changes nothing shown here: asked again, not drawn again
        int answers = list.answers();
        live.publish(LiveChange.forOrganization(acme.id(), LiveTopic.TOOLS));
        pushedUntil(() -> list.answers() > answers ? List.of(true) : List.of());
        assertThat(_find(Div.class, spec -> spec.withId("tool-echo"))).as("the same card, still in place")
                .containsExactly(card);
        assertThat(card.isAttached()).isTrue();

        // an owner blocks the tool (another session): the list follows
        Thread owner = new Thread(() -> {
            orgs.signIn(acme.owner());
            try {
                policies.setPolicy(c.id(), "echo", ToolPolicy.BLOCKED, policies.tools(c.id()).stream()
                        .filter(t -> t.name().equals("echo")).findFirst().orElseThrow().version());
            } finally {
                TestOrganizations.signOut();
            }
        });
        owner.start();
        owner.join(Duration.ofSeconds(60));
        Div blocked = pushedUntil(() -> _find(Div.class, spec -> spec.withId("tool-echo")
                .withClasses("console-tool-card-off"))).getFirst();
        assertThat(blocked).isNotSameAs(card);
        assertThat(card.isAttached()).isFalse();
    }

    /**
     * Runs what the page's push delivers (Karibu holds the session's lock on the test thread, so {@code ui.access}
     * from the live-update thread waits in the session's queue) until {@code found} is not empty: waits for the
     * change, up to 60 s.
     */
    private static <T> List<T> pushedUntil(Supplier<List<T>> found) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            if (!VaadinSession.getCurrent().getPendingAccessQueue().isEmpty()) {
                MockVaadin.runUIQueue();
            }
            List<T> now = found.get();
            if (!now.isEmpty()) {
                return now;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page did not change within 60 s");
            }
            Thread.sleep(10);
        }
    }
}
