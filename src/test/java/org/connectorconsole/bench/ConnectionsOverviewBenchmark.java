package org.connectorconsole.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.ConnectionOverview;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connection.OverviewState;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On demand ({@code src/bench/connections-overview.sh}): the owners' connections overview of an organization with
 * 10,000 members and 20 connectors (200,000 pairs, 40% with a connection in mixed states), through the service (a
 * transaction, the membership check, the query, the mapping): the first page, a page deep in the list, each filter,
 * and the counts. Every scenario is first called 10 times in one pass over all of them, then each is called 5 more
 * times and measured over 30 calls. Figures go to stdout and target/bench/connections-overview.txt.
 */
@IntegrationTest
@Tag("benchmark")
class ConnectionsOverviewBenchmark {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectionOverviewService overview;
    @Autowired
    DSLContext db;

    private final List<String> report = new ArrayList<>();

    @Test
    void overview_pages_at_ten_thousand_members() throws Exception {
        int members = Integer.getInteger("bench.members", 10_000);
        int connectorCount = Integer.getInteger("bench.connectors", 20);
        Org org = orgs.create(Plan.TEAM, 0);
        long t0 = System.nanoTime();
        db.execute("""
                insert into app_user (id, email, display_name, created_at)
                select gen_random_uuid(), 'bench-' || lpad(g::text, 6, '0') || '-' || ? || '@test.example',
                       'Bench ' || g, now() from generate_series(1, ?) g""", org.id().value().toString()
                .substring(0, 8), members);
        db.execute("""
                insert into membership (org_id, user_id, role, created_at)
                select ?::uuid, id, 'MEMBER', now() from app_user where email like ?""", org.id().value(),
                "bench-%-" + org.id().value().toString().substring(0, 8) + "@test.example");
        db.execute("""
                insert into connector (id, org_id, name, url, enabled, created_at, updated_at)
                select gen_random_uuid(), ?::uuid, 'Connector ' || lpad(g::text, 2, '0'),
                       'https://mcp' || g || '.example.com/mcp', true, now(), now() from generate_series(1, ?) g""",
                org.id().value(), connectorCount);
        db.execute("""
                insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id, auth_method,
                                        scope, expires_at, connected_at, last_used_at, updated_at)
                select gen_random_uuid(), m.org_id, c.id, m.user_id,
                       case when r < 0.3 then 'CONNECTED' when r < 0.37 then 'NEEDS_REAUTH' else 'FAILING' end,
                       'https://as.example.com', 'client', 'none', 'mcp', now() + interval '1 hour', now(), now(), now()
                from (select m.*, c.id as cid, random() as r from membership m cross join connector c
                      where m.org_id = ?::uuid and c.org_id = ?::uuid) m
                join connector c on c.id = m.cid
                where m.r < 0.4""", org.id().value(), org.id().value());
        db.execute("analyze");
        report("Connections overview benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores");
        report(String.format("%,d members x %d connectors = %,d pairs, %,d connections; generated in %.1f s",
                members + 1, connectorCount, (members + 1L) * connectorCount,
                db.fetchCount(db.selectFrom("connection").where("org_id = ?", org.id().value())),
                (System.nanoTime() - t0) / 1e9));

        report("load average before: " + loadAverage());
        orgs.signIn(org.owner());
        ConnectorId someConnector = new ConnectorId(java.util.UUID.fromString(String.valueOf(db.fetchValue(
                "select id from connector where org_id = ? order by name offset 5 limit 1", org.id().value()))));
        String deepEmail = String.valueOf(db.fetchValue("select email from app_user u join membership m on "
                + "m.user_id = u.id where m.org_id = ? order by email offset ? limit 1", org.id().value(),
                members * 9 / 10));
        ConnectionOverview.Cursor deep = new ConnectionOverview.Cursor(deepEmail, "Connector 99",
                new java.util.UUID(-1L, -1L));
        ConnectionOverview.Filter none = ConnectionOverview.Filter.NONE;
        java.util.Map<String, Supplier<Object>> scenarios = new java.util.LinkedHashMap<>();
        scenarios.put("first page, no filter", () -> overview.page(none, null, 50));
        scenarios.put("page after member #" + (members * 9 / 10) + ", no filter",
                () -> overview.page(none, deep, 50));
        scenarios.put("first page, state = failing", () -> overview.page(
                new ConnectionOverview.Filter(null, null, OverviewState.FAILING), null, 50));
        scenarios.put("first page, state = needs re-authentication", () -> overview.page(
                new ConnectionOverview.Filter(null, null, OverviewState.NEEDS_REAUTH), null, 50));
        scenarios.put("first page, state = never connected", () -> overview.page(
                new ConnectionOverview.Filter(null, null, OverviewState.NEVER_CONNECTED), null, 50));
        scenarios.put("page after member #" + (members * 9 / 10) + ", state = failing", () -> overview.page(
                new ConnectionOverview.Filter(null, null, OverviewState.FAILING), deep, 50));
        scenarios.put("first page, state = failing, one connector", () -> overview.page(
                new ConnectionOverview.Filter(null, someConnector, OverviewState.FAILING), null, 50));
        scenarios.put("first page, one connector", () -> overview.page(
                new ConnectionOverview.Filter(null, someConnector, null), null, 50));
        scenarios.put("member search 'bench-0077'", () -> overview.page(
                new ConnectionOverview.Filter("bench-0077", null, null), null, 50));
        scenarios.put("counts by state", overview::counts);
        // warm-up pass over every scenario first (JIT, the driver's server-side prepare after 5 uses, PostgreSQL's
        // generic plan after 5 custom ones), so the first scenario measured is not the only cold one
        for (int i = 0; i < 10; i++) {
            scenarios.values().forEach(Supplier::get);
        }
        scenarios.forEach(this::measure);
        report("load average after: " + loadAverage());
        TestOrganizations.signOut();

        Path out = Path.of("target", "bench", "connections-overview.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
    }

    private void measure(String what, Supplier<Object> call) {
        for (int i = 0; i < 5; i++) {
            call.get();
        }
        List<Double> ms = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            Object result = call.get();
            ms.add((System.nanoTime() - t) / 1e6);
            rows = result instanceof ConnectionOverview.Page p ? p.rows().size() : 0;
        }
        Collections.sort(ms);
        report(String.format("%-45s median %6.1f ms, p95 %6.1f ms (%d rows)", what, ms.get(ms.size() / 2),
                ms.get((int) Math.ceil(ms.size() * 0.95) - 1), rows));
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private void report(String line) {
        System.out.println("[bench] " + line);
        report.add(line);
    }
}
