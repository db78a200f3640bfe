package org.connectorconsole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link McpToolSession}'s resources and prompts (for the gateway's pass-through, decision 0065) in both revisions,
 * and completions, against real servers made with the SDK: a 2025-11-25 one (initialize) and a 2026-07-28 one (server/discover).
 */
class ResourcesAndPromptsSessionTest {

    static TestMcpServer server;
    static EgressClient egress;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().withResourcesAndPrompts("/classic", "classic", TestMcpServer.echoTool())
                .modernWithResourcesAndPrompts("/modern", "modern");
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterAll
    static void stop() {
        server.close();
        egress.close();
    }

    @Test
    void both_revisions_list_read_and_get() throws Exception {
        for (String path : new String[] {"/classic", "/modern"}) {
            try (McpToolSession session = McpToolSession.open(egress, URI.create(server.url(path)),
                    TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(20), Duration.ofSeconds(20), null)) {
                assertThat(session.revision()).as(path).isEqualTo(path.equals("/modern") ? ProtocolRevision.DISCOVER
                        : ProtocolRevision.INITIALIZE);
                assertThat(session.list(McpToolSession.Listing.RESOURCES, null)).as(path)
                        .contains("\"uri\":\"file:///notes/today.md\"");
                assertThat(session.readResource("file:///notes/today.md")).as(path).contains("Buy milk");
                assertThat(session.list(McpToolSession.Listing.PROMPTS, null)).as(path)
                        .contains("\"name\":\"summarize\"");
                assertThat(session.getPrompt("summarize", Map.of("topic", "the week"))).as(path)
                        .contains("Summarize the week.");
                // completions (for the gateway's completion/complete, decision 0073)
                assertThat(session.complete(true, "summarize", "topic", "we", null)).as(path)
                        .contains("\"values\":[\"week\",\"weekend\"]");
            }
        }
    }
}
