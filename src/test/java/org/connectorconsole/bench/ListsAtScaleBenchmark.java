package org.connectorconsole.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On demand ({@code src/bench/lists-at-scale.sh}): one organization with 1,000 connectors and 10,000 members (plus
 * the rest of a busy database: 20 other organizations of the same size), and the queries behind the owner's
 * Connectors and Members pages, through the services (transaction, the caller's membership re-read, mapping).
 * Median and p95 of 50 after 20 warm-up calls. Figures go to stdout and target/bench/lists-at-scale.txt.
 */
@IntegrationTest
@Tag("benchmark")
class ListsAtScaleBenchmark {

    static final int CONNECTORS = 1_000;
    static final int MEMBERS = 10_000;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    DSLContext db;
    @Autowired
    ConnectorService connectors;
    @Autowired
    OrganizationService organizations;

    private final List<String> report = new ArrayList<>();

    @Test
    void connectors_and_members_pages_at_scale() throws Exception {
        int others = Integer.getInteger("bench.otherOrgs", 20);
        report("Lists at scale, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        long t0 = System.nanoTime();
        TestOrganizations.Org org = null;
        for (int i = 0; i <= others; i++) {
            TestOrganizations.Org o = orgs.create(Plan.TEAM, 0);
            fill(o);
            if (i == 0) {
                org = o;
            }
        }
        db.execute("analyze");
        report(String.format("%d organizations of %,d connectors and %,d members generated in %.1f s", others + 1,
                CONNECTORS, MEMBERS, (System.nanoTime() - t0) / 1e9));
        orgs.signIn(org.owner());
        int connectorCount = connectors.count();
        var memberCounts = organizations.memberCounts();
        report("owner sees " + connectorCount + " connectors and " + memberCounts.people() + " members");
        // the pages as the views ask for them: 50 rows, the first page and one deep in the list, and a search
        var connectorsAll = new ArrayList<org.connectorconsole.connector.Connector>();
        for (var p = connectors.page(null, null, 200); ; p = connectors.page(null, connectorsAll.getLast(), 200)) {
            connectorsAll.addAll(p.items());
            if (!p.hasMore()) {
                break;
            }
        }
        var deepConnector = connectorsAll.get(900);
        var membersAll = new ArrayList<org.connectorconsole.organization.MemberSummary>();
        for (var p = organizations.memberPage(null, null, 200); ;
                p = organizations.memberPage(null, membersAll.getLast(), 200)) {
            membersAll.addAll(p.items());
            if (!p.hasMore()) {
                break;
            }
        }
        var deepMember = membersAll.get(9_000);
        report("walked " + connectorsAll.size() + " connectors and " + membersAll.size() + " members page by page");
        time("Connectors page, first 50: ConnectorService.page()", () -> connectors.page(null, null, 50).items().size());
        time("Connectors page, 50 after #900", () -> connectors.page(null, deepConnector, 50).items().size());
        time("Connectors page, search \"tor 99\"", () -> connectors.page("tor 99", null, 50).items().size());
        time("Connectors count", connectors::count);
        time("Members page, first 50: OrganizationService.memberPage()",
                () -> organizations.memberPage(null, null, 50).items().size());
        time("Members page, 50 after #9,000", () -> organizations.memberPage(null, deepMember, 50).items().size());
        time("Members page, search \"m99\"", () -> organizations.memberPage("m99", null, 50).items().size());
        time("Members counts (people, owners)", () -> organizations.memberCounts().people());
        time("Whole connectors list (1,000, for comparison): ConnectorService.list()",
                () -> connectors.list().size());
        TestOrganizations.signOut();
        Path out = Path.of("target/bench/lists-at-scale.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
    }

    private void fill(TestOrganizations.Org o) {
        db.execute("insert into connector (id, org_id, name, url, enabled, created_at, updated_at) "
                + "select gen_random_uuid(), ?, 'Connector ' || g, 'https://c' || g || '.example/mcp', true, now(), "
                + "now() from generate_series(1, ?) g", o.id().value(), CONNECTORS);
        String tag = o.id().toString().substring(0, 8);
        db.execute("insert into app_user (id, email, display_name, password_hash, created_at) "
                + "select gen_random_uuid(), 'm' || g || '-" + tag + "@bench.example', 'Member ' || g, null, now() "
                + "from generate_series(1, ?) g", MEMBERS);
        db.execute("insert into membership (org_id, user_id, role, created_at) select ?, id, 'MEMBER', now() "
                + "from app_user where email like '%-" + tag + "@bench.example'", o.id().value());
    }

    private void time(String what, Supplier<Integer> call) {
        for (int i = 0; i < 20; i++) {
            call.get();
        }
        double[] ms = new double[50];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            call.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        report(String.format("%s: median %.1f ms, p95 %.1f ms (target < 20 ms)", what, ms[ms.length / 2],
                ms[(int) Math.ceil(ms.length * 0.95) - 1]));
    }

    private void report(String line) {
        System.out.println("[bench] " + line);
        report.add(line);
    }
}
