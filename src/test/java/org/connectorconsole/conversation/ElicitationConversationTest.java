package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.mcp.FormAnswerer;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tool that asks the member for input during a call (form-mode elicitation, 2025-11-25, the MCP SDK's classic
 * server on 127.0.0.1): the request reaches the page following the call with the server's message as text and a
 * form with the schema's defaults; accept (after a value breaking the schema is refused without being sent),
 * decline and cancel come back to the server as the spec says; nobody answering, the last page going away, or the
 * call being cancelled answer {@code cancel}; a caller that cannot ask a person declares no elicitation at all.
 */
@IntegrationTest
class ElicitationConversationTest {

    static TestMcpServer mcp;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConversationService conversations;
    @Autowired
    TestConnectors testConnectors;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer();
        mcp.classicOnly("/asks", "asking-server", TestTool.askColour(), TestTool.askToOpen());
        mcp.modern("/asks-modern", "asking-modern-server", TestTool.askColour(), TestTool.askToOpen());
    }

    @AfterAll
    static void stop() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** A page following the call: hears the request for input and the end. */
    private static final class Page implements ToolCallListener {
        final CompletableFuture<InputRequest> asked = new CompletableFuture<>();
        final CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        volatile RunningCall call;
        private final boolean answers;

        Page(boolean answers) {
            this.answers = answers;
        }

        @Override
        public void progress(McpToolSession.Progress progress) {
        }

        @Override
        public void finished(ToolCallEntry entry) {
            done.complete(entry);
        }

        @Override
        public boolean answersInput() {
            return answers;
        }

        @Override
        public void inputRequested(InputRequest request) {
            request.shown();
            asked.complete(request);
        }

        InputRequest request() throws Exception {
            return asked.get(60, TimeUnit.SECONDS);
        }

        ToolCallEntry entry() throws Exception {
            return done.get(60, TimeUnit.SECONDS);
        }
    }

    private Page start(boolean answers) throws Exception {
        return start(answers, "ask-colour", "{}");
    }

    private Page start(boolean answers, String tool, String arguments) throws Exception {
        return start(answers, tool, arguments, "/asks");
    }

    private Page start(boolean answers, String tool, String arguments, String path) throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Asks", mcp.url(path),
                ToolSettings.NewTools.ALLOW);
        assertThat(checked.diagnosis().outcome()).isEqualTo(Diagnosis.Outcome.READY);
        Connector c = checked.connector();
        orgs.signIn(org.members().getFirst());
        Conversation conversation = conversations.create("Colours");
        conversations.setEnabled(conversation.id(), c.id(), true);
        Page page = new Page(answers);
        RunningCall call = conversations.start(new ToolCallRequest(conversation.id(), c.id(), tool, arguments,
                null), page);
        page.call = call;
        return page;
    }

    private static String resultText(ToolCallEntry entry) {
        assertThat(entry.status()).as(entry.message()).isEqualTo(ToolCallStatus.SUCCEEDED);
        return entry.result().content().getFirst().text();
    }

    @Test
    void the_member_sees_the_message_and_defaults_and_an_accepted_answer_reaches_the_server() throws Exception {
        Page page = start(true);
        InputRequest request = page.request();
        assertThat(request.message()).isEqualTo("Which colour should the <b>report</b> use?");
        assertThat(request.form().fields()).extracting(ToolForm.Field::label, ToolForm.Field::defaultValue,
                        ToolForm.Field::required)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Favourite colour", "\"teal\"", true),
                        org.assertj.core.groups.Tuple.tuple("How many", "3", false));

        // outside the schema (maximum 9): refused here, nothing sent, the request still open
        assertThat(request.accept(Map.of("colour", "navy", "count", 12))).get().asString()
                .startsWith("The answer does not match what the server asked for");
        assertThat(request.answered()).isFalse();

        assertThat(request.accept(Map.of("colour", "navy", "count", 4))).isEmpty();
        assertThat(resultText(page.entry())).isEqualTo("accept {colour=navy, count=4}");
    }

    @Test
    void declining_and_cancelling_are_answered_as_such() throws Exception {
        Page declined = start(true);
        declined.request().decline();
        assertThat(resultText(declined.entry())).isEqualTo("decline");

        Page cancelled = start(true);
        cancelled.request().cancel();
        assertThat(resultText(cancelled.entry())).isEqualTo("cancel");
    }

    @Test
    void nobody_answering_within_the_calls_timeout_is_a_cancel_and_the_call_still_ends() throws Exception {
        Page page = start(true);
        CompletableFuture<FormAnswerer.Answer> answer = new CompletableFuture<>();
        page.request().whenAnswered(answer::complete);
        // the test's call timeout is 5 s: the request is cancelled a second before it, the server ends the call
        assertThat(answer.get(60, TimeUnit.SECONDS).action()).isEqualTo(FormAnswerer.Answer.Action.CANCEL);
        assertThat(resultText(page.entry())).isEqualTo("cancel");
    }

    @Test
    void the_last_page_showing_the_request_going_away_cancels_it() throws Exception {
        Page page = start(true);
        InputRequest request = page.request();
        request.shown();
        request.hidden();
        assertThat(request.answered()).as("another page still shows it").isFalse();
        request.hidden();
        assertThat(resultText(page.entry())).isEqualTo("cancel");
    }

    @Test
    void cancelling_the_call_while_the_server_waits_for_input_ends_both() throws Exception {
        Page page = start(true);
        InputRequest request = page.request();
        page.call.cancel();
        assertThat(page.entry().status()).isEqualTo(ToolCallStatus.CANCELLED);
        assertThat(request.answered()).isTrue();
    }

    @Test
    void a_caller_that_cannot_ask_a_person_declares_no_elicitation_and_the_tool_says_so() throws Exception {
        Page page = start(false);
        ToolCallEntry entry = page.entry();
        assertThat(page.asked).isNotDone();
        assertThat(entry.status()).isNotEqualTo(ToolCallStatus.SUCCEEDED);
    }

    @Test
    void a_request_to_open_an_https_address_shows_its_host_and_opening_it_is_an_accept_without_content()
            throws Exception {
        Page page = start(true, "ask-to-open", "{\"url\": \"https://Forms.Example.com/sign?case=7\"}");
        InputRequest request = page.request();
        assertThat(request.message()).isEqualTo("Sign the form on our site to continue.");
        assertThat(request.host()).isEqualTo("forms.example.com");
        assertThat(request.url()).hasToString("https://Forms.Example.com/sign?case=7");
        request.opened();
        assertThat(resultText(page.entry())).isEqualTo("accept");

        Page declined = start(true, "ask-to-open", "{\"url\": \"https://forms.example.com/\"}");
        declined.request().decline();
        assertThat(resultText(declined.entry())).isEqualTo("decline");
    }

    @Test
    void addresses_that_are_not_https_are_declined_without_being_shown() throws Exception {
        for (String url : java.util.List.of("http://forms.example.com/sign", "javascript:alert(1)",
                "https://user:pw@forms.example.com/", "data:text/html,hi", "https://forms.example.com/\u202Egpj")) {
            Page page = start(true, "ask-to-open", "{\"url\": \"" + url + "\"}");
            assertThat(resultText(page.entry())).as(url).isEqualTo("decline");
            assertThat(page.asked).as(url).isNotDone();
        }
    }

    @Test
    void over_2026_07_28_the_same_through_multi_round_trip_requests() throws Exception {
        Page form = start(true, "ask-colour", "{}", "/asks-modern");
        InputRequest request = form.request();
        assertThat(request.message()).isEqualTo("Which colour should the <b>report</b> use?");
        assertThat(request.form().fields()).extracting(ToolForm.Field::defaultValue).containsExactly("\"teal\"", "3");
        assertThat(request.accept(Map.of("colour", "navy", "count", 4))).isEmpty();
        assertThat(resultText(form.entry())).isEqualTo("accept {colour=navy, count=4}");

        Page declined = start(true, "ask-colour", "{}", "/asks-modern");
        declined.request().decline();
        assertThat(resultText(declined.entry())).isEqualTo("decline");

        Page open = start(true, "ask-to-open", "{\"url\": \"https://forms.example.com/sign\"}", "/asks-modern");
        assertThat(open.request().host()).isEqualTo("forms.example.com");
        open.request().opened();
        assertThat(resultText(open.entry())).isEqualTo("accept");
    }
}
