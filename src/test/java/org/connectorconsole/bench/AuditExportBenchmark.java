package org.connectorconsole.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.audit.AuditReader;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.connectorconsole.auditlog.ApiTokenService;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On demand ({@code src/bench/audit-export.sh}): the audit export over HTTP ({@code /api/audit/export} with an API
 * token, as a compliance tool calls it), CSV and JSON Lines, against {@code psql \copy} of the same rows to CSV,
 * side by side in each round on the embedded PostgreSQL, for 1,000,000 and 5,000,000 events; the live heap during
 * an export of each format; and keyset page queries at several depths. Every figure has the 1-minute load average
 * beside it. Figures go to stdout and target/bench/audit-export.txt.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Tag("benchmark")
class AuditExportBenchmark {

    @LocalServerPort
    int port;
    @Autowired
    ApiTokenService tokens;
    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    TestOrganizations orgs;
    @Autowired
    AuditReader reader;
    @Autowired
    DSLContext db;
    @Autowired
    DataSource dataSource;

    private final List<String> report = new ArrayList<>();

    @Test
    void export_and_paging() throws Exception {
        int[] sizes = java.util.Arrays.stream(System.getProperty("bench.events", "1000000,5000000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        report("Audit export benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        for (int n : sizes) {
            var org = orgs.create(Plan.TEAM, 0);
            orgs.signIn(org.owner());
            String token = tokens.create("benchmark").secret(); // audited: the generated events follow it
            TestOrganizations.signOut();
            long t0 = System.nanoTime();
            generate(org.id(), n);
            report(String.format("%,d events generated in %.1f s", n, (System.nanoTime() - t0) / 1e9));
            Path csvFile = Files.createTempFile("audit-export", ".csv");
            Path jsonlFile = Files.createTempFile("audit-export", ".jsonl");
            Path psqlFile = Files.createTempFile("audit-psql", ".csv");
            // warm-up of every path (JIT, buffers, the table's pages in PostgreSQL's cache)
            overHttp("csv", token, csvFile);
            overHttp("jsonl", token, jsonlFile);
            psql(org.id(), psqlFile);
            List<Double> csvTimes = new ArrayList<>();
            List<Double> jsonlTimes = new ArrayList<>();
            List<Double> psqlTimes = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                double c = overHttp("csv", token, csvFile);
                double j = overHttp("jsonl", token, jsonlFile);
                double p = psql(org.id(), psqlFile);
                csvTimes.add(c);
                jsonlTimes.add(j);
                psqlTimes.add(p);
                report(String.format("%,d events, round %d: psql \\copy %.2f s, HTTP CSV %.2f s (%.2fx), HTTP JSON "
                        + "Lines %.2f s (%.2fx); load %s", n, round + 1, p, c, c / p, j, j / p, load()));
            }
            double p = median(psqlTimes);
            report(String.format("%,d events, median of 3: psql \\copy %.2f s (%,d bytes); HTTP CSV %.2f s (%,d bytes), "
                    + "%.2fx; HTTP JSON Lines %.2f s (%,d bytes), %.2fx", n, p, Files.size(psqlFile),
                    median(csvTimes), Files.size(csvFile), median(csvTimes) / p, median(jsonlTimes),
                    Files.size(jsonlFile), median(jsonlTimes) / p));
            report(String.format("%,d events, live heap during an export (after GC, sampled): CSV at most %,d kB, "
                    + "JSON Lines at most %,d kB; load %s", n, liveHeapDuring("csv", token, csvFile) / 1024,
                    liveHeapDuring("jsonl", token, jsonlFile) / 1024, load()));
            pages(org.id(), n);
            Files.deleteIfExists(csvFile);
            Files.deleteIfExists(jsonlFile);
            Files.deleteIfExists(psqlFile);
        }
        Path out = Path.of("target", "bench", "audit-export.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report, StandardCharsets.UTF_8);
    }

    private void generate(OrganizationId org, int n) {
        db.execute("""
                insert into audit_event (id, org_id, seq, occurred_at, actor_id, actor_label, action, target_type,
                    target_id, target_label, details, client_address, user_agent, prev_hash, hash)
                select gen_random_uuid(), ?::uuid, s + 1000, timestamptz '2026-01-01' + s * interval '1 second', null,
                    'person' || (s % 17) || '@bench.example',
                    (array['connector.checked','session.signed_in','connection.connected','connector.updated',
                           'connection.refresh_failed'])[1 + s % 5],
                    'connector', 'c-' || (s % 50), 'Connector ' || (s % 50),
                    jsonb_build_object('n', s::text, 'outcome', case when s % 3 = 0 then 'READY' else 'FAILED' end),
                    '10.0.0.' || (s % 200), 'bench/1.0', md5(s::text) || md5((s + 1)::text),
                    md5((s + 1)::text) || md5(s::text)
                from generate_series(1, ?) s
                """, org.value().toString(), n);
        db.execute("analyze audit_event");
    }

    /** One export over HTTP to a file; seconds from the request to the last byte. */
    private double overHttp(String format, String token, Path file) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/api/audit/export?format=" + format)).header("Authorization", "Bearer " + token).GET().build();
        long start = System.nanoTime();
        HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(file));
        double took = (System.nanoTime() - start) / 1e9;
        if (response.statusCode() != 200) {
            throw new IllegalStateException("export answered " + response.statusCode());
        }
        return took;
    }

    /** The largest heap in use right after a full GC, sampled every 200 ms during one export (not timed). */
    private long liveHeapDuring(String format, String token, Path file) throws Exception {
        var memory = ManagementFactory.getMemoryMXBean();
        long[] live = {0};
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (running.get()) {
                System.gc();
                live[0] = Math.max(live[0], memory.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            overHttp(format, token, file);
        } finally {
            running.set(false);
            sampler.join();
        }
        return live[0];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private double psql(OrganizationId org, Path file) throws Exception {
        String url;
        try (Connection c = dataSource.getConnection()) {
            url = c.getMetaData().getURL();
        }
        // jdbc:postgresql://localhost:PORT/DB?...
        String hostPort = url.substring("jdbc:postgresql://".length(), url.indexOf('/', "jdbc:postgresql://".length()));
        String database = url.substring(url.indexOf('/', "jdbc:postgresql://".length()) + 1).replaceAll("\\?.*", "");
        String query = "\\copy (select id, seq, occurred_at, org_id, actor_id, actor_label, action, target_type, "
                + "target_id, target_label, details, client_address, user_agent, prev_hash, hash from audit_event "
                + "where org_id = '" + org.value() + "' order by seq) to '" + file + "' with csv header";
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-h", hostPort.split(":")[0], "-p",
                hostPort.split(":")[1], "-U", "postgres", "-d", database, "-c", query).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", ((com.zaxxer.hikari.HikariDataSource) dataSource).getPassword());
        long start = System.nanoTime();
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void pages(OrganizationId org, int n) {
        long[] depths = {n + 1L, n / 2, 1_000};
        AuditQuery[] queries = {AuditQuery.ALL, new AuditQuery(null, null, null, "connection.connected", null, null,
                null), new AuditQuery(null, null, null, null, "c-7", null, null)};
        String[] names = {"no filter", "action filter", "connector filter"};
        for (int q = 0; q < queries.length; q++) {
            StringBuilder line = new StringBuilder(String.format("page of 50 (%s):", names[q]));
            for (long depth : depths) {
                List<Double> times = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    long t = System.nanoTime();
                    reader.page(org, queries[q], depth, 50);
                    times.add((System.nanoTime() - t) / 1e6);
                }
                line.append(String.format(" before #%,d median %.2f ms (p95 %.2f)", depth, median(times),
                        percentile(times, 0.95)));
            }
            line.append("; load ").append(load());
            report(line.toString());
        }
    }

    private static double median(List<Double> values) {
        return percentile(values, 0.5);
    }

    private static double percentile(List<Double> values, double p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.round(p * (sorted.size() - 1))));
    }

    private void report(String line) {
        System.out.println("[bench] " + line);
        report.add(line);
    }
}
