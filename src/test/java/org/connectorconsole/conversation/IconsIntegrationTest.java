package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A real MCP server publishing icons for itself and its tools: the check learns the server's icon, a conversation
 * lists the tools' icons; only same-origin images that are what they claim are shown, fetched without credentials.
 */
@IntegrationTest
class IconsIntegrationTest {

    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    static TestMcpServer server;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConversationService conversations;

    static McpSchema.Icon icon(String src) {
        return new McpSchema.Icon(src, "image/png", List.of("48x48"), null);
    }

    @BeforeAll
    static void start() {
        server = new TestMcpServer();
        server.bytes("/server.png", "image/png", PNG)
                .bytes("/echo.png", "image/png", PNG)
                .bytes("/liar.png", "image/png", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"
                        .getBytes(StandardCharsets.UTF_8))
                .streamableWithIcons("/mcp", "iconic", List.of(icon(server.url("/server.png"))),
                        TestMcpServer.withIcons(TestMcpServer.echoTool(), List.of(icon(server.url("/echo.png")))),
                        TestMcpServer.withIcons(TestMcpServer.addTool(), List.of(
                                icon("https://cdn.example.net/add.png"), icon(server.url("/liar.png")))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void server_and_tool_icons_are_checked_fetched_without_credentials_and_shown() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Iconic", server.url("/mcp"),
                ToolSettings.NewTools.ALLOW);
        Connector c = checked.connector();

        orgs.signIn(org.owner());
        assertThat(connectors.serverIcon(c.id())).as("learnt by the check").hasValueSatisfying(icon -> {
            assertThat(icon.mediaType()).isEqualTo("image/png");
            assertThat(icon.bytes()).isEqualTo(PNG);
        });
        assertThat(server.lastAuthorization("/server.png")).as("no credentials on the icon request").isEmpty();

        orgs.signIn(org.members().get(0));
        assertThat(connectors.serverIcon(c.id())).as("members see it too").isPresent();
        Conversation conv = conversations.create("Icons");
        conversations.setEnabled(conv.id(), c.id(), true);
        Map<String, ConversationTool> tools = conversations.toolsNow(conv.id()).tools().stream()
                .collect(Collectors.toMap(ConversationTool::name, Function.identity()));
        assertThat(tools.get("echo").icon()).isNotNull();
        assertThat(tools.get("echo").icon().dataUrl()).startsWith("data:image/png;base64,");
        assertThat(server.lastAuthorization("/echo.png")).isEmpty();
        assertThat(tools.get("add").icon()).as("cross-origin never fetched, SVG served as PNG refused").isNull();
        assertThat(server.requested("/liar.png")).isTrue();

        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        assertThat(connectors.serverIcon(c.id())).as("another organization's connector").isEmpty();
    }
}
