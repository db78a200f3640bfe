package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The npm reference server {@code @modelcontextprotocol/server-everything} (Streamable HTTP, on 127.0.0.1) used from
 * a conversation: its tools are listed and pinned, and calls return text, an image, structured content, progress
 * of a long operation, and an error the tool reports.
 */
@IntegrationTest
class ServerEverythingToolsTest {

    static NpmPeer everything;
    static int port;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;
    @Autowired
    TestConnectors testConnectors;

    Org org;
    Connector connector;
    Conversation conversation;

    @BeforeAll
    static void start() throws Exception {
        port = NpmPeer.freePort();
        everything = NpmPeer.start("@modelcontextprotocol/server-everything/dist/index.js", List.of("streamableHttp"),
                Map.of("PORT", String.valueOf(port)), port);
    }

    @AfterAll
    static void stop() {
        if (everything != null) {
            everything.close();
        }
    }

    @BeforeEach
    void connectorInAConversation() throws Exception {
        org = orgs.create(Plan.TEAM, 1);
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Everything",
                "http://127.0.0.1:" + port + "/mcp", ToolSettings.NewTools.HOLD);
        assertThat(checked.diagnosis().outcome()).as(everything.output()).isEqualTo(Diagnosis.Outcome.READY);
        connector = checked.connector();
        // the owner's check listed the tools and held them as new (the default); the owner approves them
        orgs.signIn(org.owner());
        assertThat(policies.approveAllNew(connector.id())).isGreaterThanOrEqualTo(10);
        orgs.signIn(org.members().getFirst());
        conversation = conversations.create("Everything");
        conversations.setEnabled(conversation.id(), connector.id(), true);
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private ToolCallEntry run(String tool, String arguments, List<McpToolSession.Progress> progress)
            throws Exception {
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(new ToolCallRequest(conversation.id(), connector.id(), tool, arguments, null),
                new ToolCallListener() {
                    @Override
                    public void progress(McpToolSession.Progress p) {
                        progress.add(p);
                    }

                    @Override
                    public void finished(ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        return done.get(60, TimeUnit.SECONDS);
    }

    @Test
    void the_reference_servers_tools_are_listed_with_forms_and_runnable() {
        ToolBoard board = conversations.toolsNow(conversation.id());
        assertThat(board.problems()).isEmpty();
        assertThat(board.tools()).extracting(ConversationTool::name).contains("echo", "get-sum", "get-tiny-image",
                "trigger-long-running-operation", "get-structured-content");
        assertThat(board.tools()).allSatisfy(t -> assertThat(t.runnable()).as(t.name()).isTrue());
        ConversationTool sum = board.tools().stream().filter(t -> t.name().equals("get-sum")).findFirst()
                .orElseThrow();
        ToolForm form = ToolForm.of(sum.inputSchemaJson());
        assertThat(form.fields()).extracting(ToolForm.Field::name, ToolForm.Field::kind, ToolForm.Field::required)
                .containsExactly(tuple("a", ToolForm.Kind.NUMBER, true),
                        tuple("b", ToolForm.Kind.NUMBER, true));
    }

    @Test
    void text_image_and_structured_results_come_back() throws Exception {
        ToolCallEntry echo = run("echo", "{\"message\":\"hello everything\"}", new CopyOnWriteArrayList<>());
        assertThat(echo.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(echo.result().content().getFirst().text()).contains("hello everything");

        ToolCallEntry sum = run("get-sum", "{\"a\":2,\"b\":40}", new CopyOnWriteArrayList<>());
        assertThat(sum.result().content().getFirst().text()).contains("42");

        ToolCallEntry image = run("get-tiny-image", "{}", new CopyOnWriteArrayList<>());
        assertThat(image.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        ToolOutcome.Part picture = image.result().content().stream().filter(p -> p.kind().equals("image"))
                .findFirst().orElseThrow();
        assertThat(picture.mimeType()).isEqualTo("image/png");
        byte[] png = Base64.getDecoder().decode(picture.data());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');

        ToolCallEntry structured = run("get-structured-content", "{\"location\":\"New York\"}",
                new CopyOnWriteArrayList<>());
        assertThat(structured.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        assertThat(structured.result().structuredJson()).contains("temperature");

        assertThat(conversations.history(conversation.id())).hasSize(4)
                .allSatisfy(e -> assertThat(e.durationMs()).isNotNull());
    }

    @Test
    void a_long_operation_reports_progress_and_an_error_the_tool_reports_is_shown() throws Exception {
        List<McpToolSession.Progress> progress = new CopyOnWriteArrayList<>();
        ToolCallEntry done = run("trigger-long-running-operation", "{\"duration\":2,\"steps\":4}", progress);
        assertThat(done.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
        // notifications and the result travel on one stream, but the SDK hands them over on different threads:
        // the last step may arrive just after the result
        assertThat(progress).extracting(McpToolSession.Progress::progress).startsWith(1.0, 2.0, 3.0)
                .isSorted().allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(4.0));
        assertThat(progress).allSatisfy(p -> assertThat(p.total()).isEqualTo(4.0));
        assertThat(done.durationMs()).isGreaterThanOrEqualTo(1900);

        ToolCallEntry failed = run("gzip-file-as-resource", "{\"data\":\"ftp://files.example/readme\"}",
                new CopyOnWriteArrayList<>());
        assertThat(failed.status()).isEqualTo(ToolCallStatus.TOOL_ERROR);
        assertThat(failed.result().content().getFirst().text()).contains("Unsupported URL protocol");

        assertThatThrownBy(() -> run("get-sum", "{\"a\":\"two\",\"b\":40}", new CopyOnWriteArrayList<>()))
                .as("arguments that break the schema never leave the console").isInstanceOf(ValidationException.class);
    }
}
