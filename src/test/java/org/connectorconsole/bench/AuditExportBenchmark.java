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
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.audit.AuditReader;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On demand ({@code src/bench/audit-export.sh}): the audit exporter against {@code psql \copy} of the same rows
 * to CSV, side by side on the embedded PostgreSQL, for 1,000,000 events (and 5,000,000 for the memory bound);
 * and keyset page queries at several depths. Figures go to stdout and target/bench/audit-export.txt.
 */
@IntegrationTest
@Tag("benchmark")
class AuditExportBenchmark {

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
            OrganizationId org = orgs.create(Plan.TEAM, 0).id();
            long t0 = System.nanoTime();
            generate(org, n);
            report(String.format("%,d events generated in %.1f s", n, (System.nanoTime() - t0) / 1e9));
            Path exporterFile = Files.createTempFile("audit-export", ".csv");
            Path psqlFile = Files.createTempFile("audit-psql", ".csv");
            // warm-up of both paths (JIT, buffers, the table's pages in PostgreSQL's cache)
            exporter(org, exporterFile, false);
            psql(org, psqlFile);
            List<Double> exporterTimes = new ArrayList<>();
            List<Double> psqlTimes = new ArrayList<>();
            long[] live = {0};
            for (int round = 0; round < 3; round++) {
                long[] r = exporter(org, exporterFile, round == 0);
                exporterTimes.add(r[0] / 1e9);
                live[0] = Math.max(live[0], r[1]);
                psqlTimes.add(psql(org, psqlFile));
            }
            double e = median(exporterTimes);
            double p = median(psqlTimes);
            report(String.format("%,d events to CSV: exporter %.2f s (%,d bytes), psql \\copy %.2f s (%,d bytes); "
                    + "ratio %.2f; exporter live heap during export (after GC) at most %,d kB", n, e,
                    Files.size(exporterFile), p, Files.size(psqlFile), e / p, live[0] / 1024));
            pages(org, n);
            Files.deleteIfExists(exporterFile);
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
                select gen_random_uuid(), ?::uuid, s, timestamptz '2026-01-01' + s * interval '1 second', null,
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

    /** Returns {nanoseconds, largest live heap seen after a GC during the export}. */
    private long[] exporter(OrganizationId org, Path file, boolean measureHeap) throws IOException {
        var memory = ManagementFactory.getMemoryMXBean();
        long[] live = {0};
        long[] lastSample = {0};
        long start = System.nanoTime();
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            reader.export(org, AuditQuery.ALL, AuditExportFormat.CSV, out, rows -> {
                if (measureHeap && rows > 0 && rows % 250_000 == 0 && rows != lastSample[0]) {
                    lastSample[0] = rows;
                    System.gc();
                    live[0] = Math.max(live[0], memory.getHeapMemoryUsage().getUsed());
                }
            });
        }
        long elapsed = System.nanoTime() - start;
        return new long[] {elapsed, live[0]};
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
        pb.environment().put("PGPASSWORD", "postgres");
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
                for (int i = 0; i < 30; i++) {
                    long t = System.nanoTime();
                    reader.page(org, queries[q], depth, 50);
                    times.add((System.nanoTime() - t) / 1e6);
                }
                line.append(String.format(" before #%,d median %.2f ms (p95 %.2f)", depth, median(times),
                        percentile(times, 0.95)));
            }
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
