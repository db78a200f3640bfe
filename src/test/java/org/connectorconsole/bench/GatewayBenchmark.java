package org.connectorconsole.bench;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.gateway.GatewaySettingsService;
import org.connectorconsole.gateway.PersonalAccessTokens;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * On demand ({@code src/bench/gateway.sh}): a tool call ({@code echo} of server-everything) through the gateway,
 * by the MCP Java SDK's client with a personal access token, against the same call made directly to
 * server-everything by the same client, in one run: 1 client, then 50 concurrent clients (50 members, each with
 * their own token: the console bounds each member to 4 running calls). Median and p95 of every call; any failed
 * call is counted. Between them, the floors: the same call through a bare proxy made with the same SDK server
 * transport and no rule ({@link BareProxy}), and through the same proxy with only the checks and writes the issue
 * makes mandatory per call, in plain JDBC on the same database ({@link GovernedFloor}, with the members' tokens;
 * the organization's audit chain is verified after all arms). With each figure: CPU per call of this JVM, PostgreSQL
 * and Node ({@link CpuTimes}), the 1-minute load, and (with {@code -Dbench.statements=true}) for the gateway the
 * console's statements and commits per call ({@link StatementLog}). Figures go to stdout and target/bench/gateway.txt.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayBenchmark {

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    GatewaySettingsService gateway;
    @Autowired
    PersonalAccessTokens tokens;
    @Autowired
    javax.sql.DataSource dataSource;
    @Autowired
    org.connectorconsole.audit.AuditReader auditReader;

    /** Counts and times the console's statements and commits while a gateway run is measured. */
    @TestConfiguration
    static class Statements {
        @Bean
        static StatementLog statementLog() {
            return new StatementLog();
        }
    }

    private Path postgresDir;

    private final List<String> report = new ArrayList<>();

    private static McpSyncClient client(String base, String path, String token) {
        var transport = HttpClientStreamableHttpTransport.builder(base).endpoint(path)
                .httpRequestCustomizer((r, m, u, b, c) -> {
                    if (token != null) {
                        r.header("Authorization", "Bearer " + token);
                    }
                })
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(120))
                .clientInfo(new McpSchema.Implementation("bench", "1")).build();
        client.initialize();
        return client;
    }

    @Test
    void gateway_against_direct_calls() throws Exception {
        int single = Integer.getInteger("bench.calls", 100);
        int concurrent = Integer.getInteger("bench.clients", 50);
        int perClient = Integer.getInteger("bench.perClient", 10);
        int everythingPort = NpmPeer.freePort();
        try (NpmPeer everything = NpmPeer.start("@modelcontextprotocol/server-everything/dist/index.js",
                List.of("streamableHttp"), Map.of("PORT", String.valueOf(everythingPort)), everythingPort)) {
            Org org = orgs.create(Plan.TEAM, concurrent);
            orgs.signIn(org.owner());
            gateway.save(true, null, null, gateway.current().version());
            var checked = testConnectors.addChecked(org, "Everything", "http://127.0.0.1:" + everythingPort + "/mcp",
                    ToolSettings.NewTools.ALLOW);
            orgs.signIn(org.owner());
            policies.approveAllNew(checked.connector().id());
            List<String> secrets = new ArrayList<>();
            for (var member : org.members()) {
                orgs.signIn(member);
                secrets.add(tokens.create("bench", 1).secret());
            }
            TestOrganizations.signOut();
            try (var c = dataSource.getConnection(); var st = c.createStatement();
                    var rs = st.executeQuery("SHOW data_directory")) {
                rs.next();
                postgresDir = Path.of(rs.getString(1));
            }
            String direct = "http://127.0.0.1:" + everythingPort;
            String console = "http://127.0.0.1:" + port;
            List<String> paths = org.members().stream().map(m -> GatewayEndpoints.memberPath(org.id(), m.id()))
                    .toList();
            Map<String, Object> args = Map.of("message", "bench");

            try (BareProxy bare = new BareProxy(direct, "/mcp", "echo", concurrent);
                    GovernedFloor floor = new GovernedFloor(dataSource, "everything", direct, "/mcp", "echo",
                            concurrent)) {
                run("1 client", "direct", 1, single, i -> client(direct, "/mcp", null), "echo", args);
                run("1 client", "bare", 1, single, i -> client(bare.base(), BareProxy.PATH, null), "echo", args);
                run("1 client", "floor", 1, single, i -> client(floor.base(), GovernedFloor.PATH, secrets.get(0)),
                        "echo", args);
                run("1 client", "gateway", 1, single, i -> client(console, paths.get(0), secrets.get(0)),
                        "everything__echo", args);
                run(concurrent + " clients", "direct", concurrent, perClient, i -> client(direct, "/mcp", null),
                        "echo", args);
                run(concurrent + " clients", "bare", concurrent, perClient, i -> client(bare.base(),
                        BareProxy.PATH, null), "echo", args);
                run(concurrent + " clients", "floor", concurrent, perClient, i -> client(floor.base(),
                        GovernedFloor.PATH, secrets.get(i)), "echo", args);
                run(concurrent + " clients", "gateway", concurrent, perClient, i -> client(console, paths.get(i),
                        secrets.get(i)), "everything__echo", args);
            }
            // the floor's events sit on the same chain as the gateway's: the chain must still verify
            var chain = auditReader.verify(org.id());
            report.add("[bench] audit chain after the runs: " + chain.describe());
            if (!chain.intact()) {
                throw new AssertionError("audit chain broken: " + chain.describe());
            }
        }
        report.add(0, "[bench] gateway " + Instant.now() + " load average " + Files.readString(
                Path.of("/proc/loadavg")).strip() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        Files.createDirectories(Path.of("target/bench"));
        Files.write(Path.of("target/bench/gateway.txt"), report);
        report.forEach(System.out::println);
    }

    interface Opener {
        McpSyncClient open(int index) throws Exception;
    }

    private void run(String shape, String path, int clients, int callsEach, Opener opener, String tool,
            Map<String, Object> args) throws Exception {
        List<McpSyncClient> open = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            McpSyncClient c = opener.open(i);
            c.callTool(new McpSchema.CallToolRequest(tool, args)); // warm-up
            open.add(c);
        }
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        boolean gateway = path.equals("gateway");
        StatementLog.reset();
        StatementLog.on = gateway;
        CpuTimes cpuBefore = CpuTimes.now(postgresDir);
        long started = System.nanoTime();
        for (McpSyncClient c : open) {
            futures.add(pool.submit(() -> {
                go.await();
                for (int k = 0; k < callsEach; k++) {
                    long t = System.nanoTime();
                    try {
                        McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest(tool, args));
                        if (Boolean.TRUE.equals(r.isError())) {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, String.valueOf(r.content()));
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                    micros.add((System.nanoTime() - t) / 1000);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get();
        }
        long wall = (System.nanoTime() - started) / 1_000_000;
        StatementLog.on = false;
        CpuTimes cpuAfter = CpuTimes.now(postgresDir);
        pool.shutdown();
        open.forEach(McpSyncClient::closeGracefully);
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        report.add(String.format("[bench] %-11s %-7s calls=%d failed=%d median=%.1f ms p95=%.1f ms wall=%d ms %s",
                shape, path, sorted.size(), failed.get(), sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1) / 1000.0, wall,
                cpuAfter.perCall(cpuBefore, sorted.size()) + " load " + Files.readString(Path.of("/proc/loadavg"))
                        .strip().split(" ")[0])
                + (firstFailure.get() == null ? "" : " first failure: " + firstFailure.get()));
        if (gateway && Boolean.getBoolean("bench.statements")) {
            report.addAll(StatementLog.report(sorted.size()));
        }
    }
}
