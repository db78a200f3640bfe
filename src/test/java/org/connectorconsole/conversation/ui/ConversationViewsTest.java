package org.connectorconsole.conversation.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._find;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ui.MissingView;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class ConversationViewsTest extends ViewTest {

    static TestMcpServer server;

    @Autowired
    ConversationService conversations;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ToolPolicyService policies;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().streamable("/mcp", "tools", TestMcpServer.echoTool(), TestMcpServer.addTool());
        org.connectorconsole.support.TestTool[] many = new org.connectorconsole.support.TestTool[7];
        for (int i = 0; i < many.length; i++) {
            many[i] = new org.connectorconsole.support.TestTool("t" + (i + 1), "Tool " + (i + 1),
                    java.util.Map.of("type", "object"), false, (arguments, progress, revision) -> "ok");
        }
        server.modern("/many", "many", many);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void a_member_without_conversations_is_told_how_to_start_and_starting_one_opens_it() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        navigate("conversations");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(ConversationsView.class);
        assertThat(_get(Div.class, spec -> spec.withId("no-conversations")).getElement().getTextRecursively())
                .contains("the + button at the bottom left opens Connectors");

        _get(TextField.class, spec -> spec.withId("new-conversation-title")).setValue("Launch plan");
        _click(_get(Button.class, spec -> spec.withId("new-conversation")));
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(ConversationView.class);
        assertThat(_get(H2.class, spec -> spec.withId("conversation-title")).getText()).isEqualTo("Launch plan");
        assertThat(_get(Paragraph.class, spec -> spec.withId("no-history")).getText()).contains("No tool calls yet");
        assertThat(_get(Button.class, spec -> spec.withId("conversation-plus")).getAriaLabel())
                .contains("Add to this conversation");

        navigate("conversations");
        assertThat(_find(Div.class, spec -> spec.withClasses("console-connection-card"))).hasSize(1);
    }

    @Test
    void another_members_conversation_and_a_malformed_address_are_not_found() {
        Org org = orgs.create(Plan.TEAM, 2);
        signIn(org.members().get(0));
        Conversation mine = conversations.create("Private");
        signIn(org.members().get(1));
        navigate("conversations/" + mine.id());
        assertThat(UI.getCurrent().getCurrentView()).isNotInstanceOf(ConversationView.class);
        assertThat(_find(MissingView.class)).hasSize(1);
        navigate("conversations/not-an-id");
        assertThat(_find(MissingView.class)).hasSize(1);
    }

    @Test
    void a_long_history_shows_the_latest_calls_and_earlier_ones_on_request() throws Exception {
        Org acme = orgs.create(Plan.TEAM, 1);
        signIn(acme.owner());
        policies.updateSettings(org.connectorconsole.connector.ToolSettings.NewTools.ALLOW, false,
                policies.settings().version());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        java.util.concurrent.CompletableFuture<org.connectorconsole.connector.Diagnosis> checked =
                new java.util.concurrent.CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        checked.get(60, java.util.concurrent.TimeUnit.SECONDS);
        ConnectorTool echo = policies.tools(c.id()).stream().filter(t -> t.name().equals("echo")).findFirst()
                .orElseThrow();
        policies.setPolicy(c.id(), "echo", org.connectorconsole.connector.ToolPolicy.BLOCKED, echo.version());

        signIn(acme.members().getFirst());
        Conversation conv = conversations.create("Busy");
        conversations.setEnabled(conv.id(), c.id(), true);
        for (int i = 0; i < ConversationService.HISTORY + 3; i++) {
            try {
                conversations.start(new org.connectorconsole.conversation.ToolCallRequest(conv.id(), c.id(), "echo",
                        "{\"message\":\"call " + i + "\"}", null), new ToolCallListener() {
                            @Override
                            public void progress(org.connectorconsole.mcp.McpToolSession.Progress p) {
                            }

                            @Override
                            public void finished(org.connectorconsole.conversation.ToolCallEntry entry) {
                            }
                        });
            } catch (org.connectorconsole.conversation.ToolRefusedException expected) {
                // blocked: kept in the history as refused
            }
        }
        navigate("conversations/" + conv.id());
        assertThat(_find(com.vaadin.flow.component.html.Span.class, spec -> spec.withClasses("console-call-status")))
                .hasSize(ConversationService.HISTORY);
        _click(_get(Button.class, spec -> spec.withId("earlier-calls")));
        assertThat(_find(com.vaadin.flow.component.html.Span.class, spec -> spec.withClasses("console-call-status")))
                .hasSize(ConversationService.HISTORY + 3);
        assertThat(_find(Button.class, spec -> spec.withId("earlier-calls"))).isEmpty();
        String history = _get(com.vaadin.flow.component.orderedlayout.VerticalLayout.class,
                spec -> spec.withId("conversation-history")).getElement().getTextRecursively();
        assertThat(history.indexOf("call 0")).as("the earliest call comes first").isLessThan(history.indexOf("call 52"))
                .isNotNegative();
    }

    @Test
    void a_result_full_of_markup_is_shown_as_text_never_as_html() throws Exception {
        Org acme = orgs.create(Plan.TEAM, 1);
        signIn(acme.owner());
        policies.updateSettings(org.connectorconsole.connector.ToolSettings.NewTools.ALLOW, false,
                policies.settings().version());
        Connector c = connectors.add(ConnectorForm.of("Tools", server.url("/mcp")));
        java.util.concurrent.CompletableFuture<org.connectorconsole.connector.Diagnosis> checked =
                new java.util.concurrent.CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        checked.get(60, java.util.concurrent.TimeUnit.SECONDS);

        signIn(acme.members().getFirst());
        Conversation conv = conversations.create("Markup");
        conversations.setEnabled(conv.id(), c.id(), true);
        String hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>";
        java.util.concurrent.CompletableFuture<org.connectorconsole.conversation.ToolCallEntry> done =
                new java.util.concurrent.CompletableFuture<>();
        conversations.start(new org.connectorconsole.conversation.ToolCallRequest(conv.id(), c.id(), "echo",
                "{\"message\":\"" + hostile.replace("\"", "\\\"") + "\"}", null),
                new ToolCallListener() {
                    @Override
                    public void progress(org.connectorconsole.mcp.McpToolSession.Progress p) {
                    }

                    @Override
                    public void finished(org.connectorconsole.conversation.ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        done.get(60, java.util.concurrent.TimeUnit.SECONDS);

        navigate("conversations/" + conv.id());
        com.vaadin.flow.component.html.Pre shown = _get(com.vaadin.flow.component.html.Pre.class,
                spec -> spec.withClasses("console-call-text"));
        assertThat(shown.getText()).isEqualTo(hostile);
        assertThat(shown.getElement().getChildren()).as("one text node, no elements made from the result")
                .singleElement().satisfies(node -> assertThat(node.isTextNode()).isTrue());
        assertThat(_find(com.vaadin.flow.component.Html.class)).isEmpty();
    }

    @Test
    void a_long_tool_list_folds_after_five_with_the_tools_the_member_can_run_first() throws Exception {
        Org acme = orgs.create(Plan.TEAM, 1);
        signIn(acme.owner());
        policies.updateSettings(org.connectorconsole.connector.ToolSettings.NewTools.ALLOW, false,
                policies.settings().version());
        Connector c = connectors.add(ConnectorForm.of("Many", server.url("/many")));
        java.util.concurrent.CompletableFuture<org.connectorconsole.connector.Diagnosis> checked =
                new java.util.concurrent.CompletableFuture<>();
        connectors.startCheck(c.id(), step -> { }, checked::complete);
        checked.get(60, java.util.concurrent.TimeUnit.SECONDS);
        ConnectorTool first = policies.tools(c.id()).stream().filter(t -> t.name().equals("t1")).findFirst()
                .orElseThrow();
        policies.setPolicy(c.id(), "t1", org.connectorconsole.connector.ToolPolicy.BLOCKED, first.version());

        signIn(acme.members().getFirst());
        Conversation conv = conversations.create("Many tools");
        conversations.setEnabled(conv.id(), c.id(), true);
        navigate("conversations/" + conv.id());
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(60);
        while (_find(com.vaadin.flow.component.html.Div.class, spec -> spec.withClasses("console-tool-card")).isEmpty()
                && java.time.Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            com.github.mvysny.kaributesting.v10.MockVaadin.clientRoundtrip(false);
        }
        com.vaadin.flow.component.details.Details fold = _get(com.vaadin.flow.component.details.Details.class,
                spec -> spec.withId("more-tools"));
        assertThat(fold.isOpened()).as("folded: the history stays in view").isFalse();
        assertThat(fold.getSummaryText()).isEqualTo("2 more tools");
        java.util.List<String> folded = _find(fold, com.vaadin.flow.component.html.Div.class,
                spec -> spec.withClasses("console-tool-card")).stream().map(d -> d.getId().orElse("")).toList();
        assertThat(folded).as("the blocked tool comes last").containsExactly("tool-t7", "tool-t1");
        assertThat(_find(com.vaadin.flow.component.html.Div.class, spec -> spec.withClasses("console-tool-card")))
                .hasSize(7);
    }
}
