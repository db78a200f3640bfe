package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Tracing switched on the way operations.md says (an OTLP endpoint, sampling, trace context sent out): a tool call
 * is one span exported to the collector, and every request of the call's MCP session carries that span's trace
 * context to the server (W3C {@code traceparent}; the call itself also in its {@code _meta}, SEP-414), so a server
 * that traces joins the console's trace. The collector
 * is a loopback HTTP endpoint that keeps what it is sent (OTLP over HTTP, protobuf).
 */
@IntegrationTest
@TestPropertySource(properties = {
    "management.tracing.sampling.probability=1.0",
    "management.opentelemetry.tracing.export.schedule-delay=50ms",
    "console.egress.send-trace-context=true"})
class ToolCallTracingTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
    private static final BlockingQueue<byte[]> EXPORTED = new LinkedBlockingQueue<>();
    private static final HttpServer COLLECTOR = collector();
    private static final TestMcpServer SERVER = new TestMcpServer().streamable("/mcp", "Traced",
            TestMcpServer.echoTool());
    private static final List<String> TRACEPARENTS = SERVER.recordHeader("/mcp", "traceparent");

    static {
        SERVER.recordMessages("/mcp");
    }

    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    ConversationService conversations;

    private static HttpServer collector() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream body = exchange.getRequestBody()) {
                    EXPORTED.add(body.readAllBytes());
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void exportToTheCollector(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
                () -> "http://127.0.0.1:" + COLLECTOR.getAddress().getPort() + "/v1/traces");
    }

    @AfterAll
    static void stop() {
        SERVER.close();
        COLLECTOR.stop(0);
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void a_tool_call_is_one_exported_span_whose_trace_the_server_is_handed() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        var connector = testConnectors.addChecked(org, "Traced", SERVER.url("/mcp"), ToolSettings.NewTools.HOLD)
                .connector();
        orgs.signIn(org.owner());
        policies.approveAllNew(connector.id());
        orgs.signIn(org.members().getFirst());
        Conversation conversation = conversations.create("Traced");
        conversations.setEnabled(conversation.id(), connector.id(), true);
        int before = TRACEPARENTS.size();

        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        conversations.start(new ToolCallRequest(conversation.id(), connector.id(), "echo",
                "{\"message\":\"traced\"}", null), new ToolCallListener() {
                    @Override
                    public void progress(org.connectorconsole.mcp.McpToolSession.Progress progress) {
                    }

                    @Override
                    public void finished(ToolCallEntry entry) {
                        done.complete(entry);
                    }
                });
        assertThat(done.get(60, TimeUnit.SECONDS).status()).isEqualTo(ToolCallStatus.SUCCEEDED);

        // every request of the call's session (initialize or discover, listing, the call itself) is in one trace
        List<String> duringCall = TRACEPARENTS.subList(before, TRACEPARENTS.size());
        assertThat(duringCall).isNotEmpty().allSatisfy(h -> assertThat(h).matches(TRACEPARENT.pattern()));
        Matcher first = TRACEPARENT.matcher(duringCall.getFirst());
        assertThat(first.matches()).isTrue();
        String traceId = first.group(1);
        assertThat(duringCall).allSatisfy(h -> assertThat(h).contains("-" + traceId + "-"));
        // and the call itself carries it in _meta, as MCP does (SEP-414)
        assertThat(SERVER.received()).filteredOn(body -> body.contains("\"tools/call\""))
                .last().asString().containsPattern("\"traceparent\":\"00-" + traceId + "-[0-9a-f]{16}-[0-9a-f]{2}\"");

        // and that trace reaches the collector, with the call's span named after the tool
        byte[] traceIdBytes = HexFormat.of().parseHex(traceId);
        byte[] spanName = "tools/call echo".getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean found = false;
        while (!found && System.nanoTime() < deadline) {
            byte[] export = EXPORTED.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            found = export != null && contains(export, traceIdBytes) && contains(export, spanName);
        }
        assertThat(found).as("an export with trace %s and a span 'tools/call echo'", traceId).isTrue();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
