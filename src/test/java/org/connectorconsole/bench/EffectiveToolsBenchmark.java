package org.connectorconsole.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.IntSupplier;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.MemberTools;
import org.connectorconsole.connector.ToolAccess;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * On demand ({@code src/bench/effective-tools.sh}): the cost of deciding one member's effective tools (issue 20) in
 * an organization of 5,000 members, 200 groups (each member in 3), 100 connectors (half offered to everyone, half to
 * 5 groups each) with 50 tools each, 20 groups' grants per connector and 10 tool grants per connector. Measured
 * through the code the console runs: the member's page data ({@code ConnectorAccessService.myTools} with every
 * tool's mode decided), the decision part of a gateway listing ({@code ConversationService.standing} plus the mode
 * of every tool of the connectors offered to the member; the listing itself also asks the upstream servers, which
 * is not measured here), and the check of one tool call ({@code ToolAccess.decide}). Median and p95 of 30 calls
 * after warm-up. Figures go to stdout and target/bench/effective-tools.txt.
 */
@IntegrationTest
@Tag("benchmark")
class EffectiveToolsBenchmark {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorAccessService access;
    @Autowired
    ToolAccess toolAccess;
    @Autowired
    ConversationService conversations;
    @Autowired
    CurrentMember currentMember;
    @Autowired
    DSLContext db;

    private final List<String> report = new ArrayList<>();

    @Test
    void effective_tools_at_five_thousand_members() throws Exception {
        int members = Integer.getInteger("bench.members", 5_000);
        int groups = Integer.getInteger("bench.groups", 200);
        int connectors = Integer.getInteger("bench.connectors", 100);
        int tools = Integer.getInteger("bench.tools", 50);
        Org org = orgs.create(Plan.ENTERPRISE, 1);
        UUID orgId = org.id().value();
        String tag = orgId.toString().substring(0, 8);
        long t0 = System.nanoTime();
        db.execute("""
                insert into app_user (id, email, display_name, created_at)
                select gen_random_uuid(), 'bench-' || lpad(g::text, 6, '0') || '-' || ? || '@test.example',
                       'Bench ' || g, now() from generate_series(1, ?) g""", tag, members);
        db.execute("""
                insert into membership (org_id, user_id, role, created_at)
                select ?::uuid, id, 'MEMBER', now() from app_user where email like ?""", orgId,
                "bench-%-" + tag + "@test.example");
        db.execute("""
                insert into member_group (id, org_id, name, created_at, updated_at)
                select gen_random_uuid(), ?::uuid, 'Group ' || lpad(g::text, 3, '0'), now(), now()
                from generate_series(1, ?) g""", orgId, groups);
        // each member in 3 groups
        db.execute("""
                insert into group_member (org_id, group_id, user_id, added_at)
                select m.org_id, g.id, m.user_id, now()
                from (select org_id, user_id, row_number() over (order by user_id) as n from membership
                      where org_id = ?::uuid) m
                join (select id, row_number() over (order by name) - 1 as k from member_group where org_id = ?::uuid) g
                  on g.k in ((m.n * 7) % ?, (m.n * 7 + 1) % ?, (m.n * 13 + 5) % ?)
                on conflict do nothing""", orgId, orgId, groups, groups, groups);
        db.execute("""
                insert into connector (id, org_id, name, url, enabled, created_at, updated_at, audience, ceiling,
                                       everyone_mode, read_only_allowed)
                select gen_random_uuid(), ?::uuid, 'Connector ' || lpad(g::text, 3, '0'),
                       'https://mcp' || g || '.example.com/mcp', true, now(), now(),
                       case when g % 2 = 0 then 'EVERYONE' else 'GROUPS' end,
                       case when g % 5 = 0 then 'NEEDS_APPROVAL' else 'ALLOWED' end,
                       case when g % 3 = 0 then 'BLOCKED' else 'NEEDS_APPROVAL' end, g % 4 = 0
                from generate_series(1, ?) g""", orgId, connectors);
        db.execute("""
                insert into connector_tool (connector_id, name, org_id, policy, approved_fingerprint,
                                            approved_definition, first_seen_at, last_seen_at, updated_at, read_only)
                select c.id, 'tool_' || lpad(t::text, 2, '0'), c.org_id,
                       case when t % 10 = 0 then 'NEEDS_APPROVAL' when t % 17 = 0 then 'BLOCKED' else 'ALLOWED' end,
                       md5(c.id::text || t), jsonb_build_object('name', 'tool_' || t), now(), now(), now(), t % 3 = 0
                from connector c cross join generate_series(1, ?) t where c.org_id = ?::uuid""", tools, orgId);
        db.execute("""
                insert into connector_group (org_id, connector_id, group_id)
                select c.org_id, c.id, g.id
                from (select id, org_id, row_number() over (order by name) as n from connector
                      where org_id = ?::uuid and audience = 'GROUPS') c
                join (select id, row_number() over (order by name) - 1 as k from member_group where org_id = ?::uuid) g
                  on (g.k - c.n * 3 + 1000 * ?) % ? < 5""", orgId, orgId, groups, groups);
        db.execute("""
                insert into group_grant (org_id, connector_id, group_id, tool_name, mode, updated_at)
                select c.org_id, c.id, g.id, '',
                       case when (g.k + c.n) % 3 = 0 then 'ALLOWED' when (g.k + c.n) % 3 = 1 then 'NEEDS_APPROVAL'
                            else 'BLOCKED' end, now()
                from (select id, org_id, row_number() over (order by name) as n from connector where org_id = ?::uuid) c
                join (select id, row_number() over (order by name) - 1 as k from member_group where org_id = ?::uuid) g
                  on (g.k + c.n * 11) % ? < 20""", orgId, orgId, groups);
        db.execute("""
                insert into group_grant (org_id, connector_id, group_id, tool_name, mode, updated_at)
                select c.org_id, c.id, g.id, 'tool_' || lpad(((g.k + c.n) % ? + 1)::text, 2, '0'), 'ALLOWED', now()
                from (select id, org_id, row_number() over (order by name) as n from connector where org_id = ?::uuid) c
                join (select id, row_number() over (order by name) - 1 as k from member_group where org_id = ?::uuid) g
                  on (g.k + c.n * 7) % ? < 10
                on conflict do nothing""", tools, orgId, orgId, groups);
        db.execute("analyze");
        report("Effective tools benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores");
        report(String.format("%,d members, %d groups (%,d memberships), %d connectors x %d tools = %,d tools, "
                + "%,d audience rows, %,d grants; generated in %.1f s", members + 2, groups,
                db.fetchCount(db.selectFrom("group_member").where("org_id = ?", orgId)), connectors, tools,
                db.fetchCount(db.selectFrom("connector_tool").where("org_id = ?", orgId)),
                db.fetchCount(db.selectFrom("connector_group").where("org_id = ?", orgId)),
                db.fetchCount(db.selectFrom("group_grant").where("org_id = ?", orgId)),
                (System.nanoTime() - t0) / 1e9));
        report("load average before: " + loadAverage());

        // the organization's own member (the bulk ones have no password), in 3 groups like everyone
        orgs.signIn(org.members().getFirst());
        report("the member is in " + db.fetchCount(db.selectFrom("group_member").where("user_id = ?",
                org.members().getFirst().id().value())) + " groups");
        Member member = currentMember.require();
        ConnectorId someConnector = new ConnectorId(UUID.fromString(String.valueOf(db.fetchValue(
                "select id from connector where org_id = ? order by name offset 1 limit 1", orgId))));

        IntSupplier page = () -> decideAll(access.myTools());
        IntSupplier listing = () -> decideAll(conversations.standing(member));
        IntSupplier oneCall = () -> toolAccess.decide(member.orgId(), member.userId(), someConnector, "tool_07")
                .usable() ? 1 : 0;
        for (int i = 0; i < 10; i++) {
            page.getAsInt();
            listing.getAsInt();
            oneCall.getAsInt();
        }
        measure("member's page data (all connectors, every tool decided)", page);
        measure("gateway listing's decisions (offered connectors' tools)", listing);
        measure("one tool call's check (one connector)", oneCall);
        // where the time goes: the three queries alone, and the decisions alone (over rows read once)
        measure("the three queries alone (all connectors)",
                () -> toolAccess.forMember(member.orgId(), member.userId()).toolCount());
        MemberTools read = toolAccess.forMember(member.orgId(), member.userId());
        measure("the decisions alone (every tool of the offered connectors)", () -> decideAll(read));
        report("load average after: " + loadAverage());
        TestOrganizations.signOut();

        Path out = Path.of("target", "bench", "effective-tools.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
    }

    /** Decides every tool of every connector offered to the member; returns how many are usable. */
    private static int decideAll(MemberTools standing) {
        int usable = 0;
        for (ConnectorId id : standing.connectors()) {
            if (!standing.offered(id)) {
                continue;
            }
            for (MemberTools.Tool tool : standing.tools(id)) {
                usable += tool.mode().usable() ? 1 : 0;
            }
        }
        return usable;
    }

    private void measure(String what, IntSupplier call) {
        for (int i = 0; i < 5; i++) {
            call.getAsInt();
        }
        List<Double> ms = new ArrayList<>();
        int usable = 0;
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            usable = call.getAsInt();
            ms.add((System.nanoTime() - t) / 1e6);
        }
        Collections.sort(ms);
        report(String.format("%-58s median %6.1f ms, p95 %6.1f ms (%,d usable tools)", what, ms.get(ms.size() / 2),
                ms.get((int) Math.ceil(ms.size() * 0.95) - 1), usable));
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
