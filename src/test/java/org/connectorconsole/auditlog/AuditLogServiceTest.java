package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditEvent;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditQuery;
import org.connectorconsole.audit.AuditVerifier;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.SyntheticAudit;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

@IntegrationTest
class AuditLogServiceTest {

    static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @Autowired
    TestOrganizations orgs;
    @Autowired
    AuditLogService auditLog;
    @Autowired
    DSLContext db;
    @Autowired
    org.connectorconsole.audit.AuditService audit;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** An organization whose log holds {@code n} synthetic events (after the ones its creation wrote). */
    private Org orgWithEvents(int n) {
        Org org = orgs.create(Plan.TEAM, 1);
        // a fresh chain for this organization: the synthetic events are its whole log
        db.execute("alter table audit_event disable trigger audit_event_no_update_or_delete");
        try {
            db.deleteFrom(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id())).execute();
        } finally {
            db.execute("alter table audit_event enable trigger audit_event_no_update_or_delete");
        }
        SyntheticAudit.write(db, org.id(), n, START);
        return org;
    }

    @Test
    void keyset_pages_cover_every_event_once_newest_first_and_filters_narrow_them() {
        Org org = orgWithEvents(1_234);
        orgs.signIn(org.owner());
        List<Long> seen = new ArrayList<>();
        Long cursor = null;
        do {
            AuditLogService.Page page = auditLog.page(AuditQuery.ALL, cursor);
            page.events().forEach(e -> seen.add(e.seq()));
            cursor = page.nextBeforeSeq();
        } while (cursor != null);
        // the owner's sign-in is event 1,235: the chain goes on from the synthetic ones
        assertThat(seen).hasSize(1_235).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(seen.getFirst()).isEqualTo(1_235);

        AuditQuery byAction = new AuditQuery(null, null, null, "connection.connected", null, null, null);
        assertThat(auditLog.count(byAction)).isEqualTo(1_234 / 5 + (1_234 % 5 >= 2 ? 1 : 0));
        assertThat(auditLog.page(byAction, null).events()).allMatch(e -> e.action().equals("connection.connected"));
        AuditQuery range = new AuditQuery(START.plusSeconds(100), START.plusSeconds(200), null, null, null, null,
                null);
        assertThat(auditLog.count(range)).isEqualTo(100);
        AuditQuery actor = new AuditQuery(null, null, "PERSON3@", null, null, null, null);
        assertThat(auditLog.page(actor, null).events()).allMatch(e -> e.actorLabel().equals("person3@bench.example"));
        AuditQuery text = new AuditQuery(null, null, null, null, null, null, "Connector 7");
        assertThat(auditLog.page(text, null).events()).isNotEmpty()
                .allMatch(e -> e.targetLabel().equals("Connector 7"));
        AuditQuery details = new AuditQuery(null, null, null, null, "c-7", null, "READY");
        assertThat(auditLog.page(details, null).events()).isNotEmpty()
                .allMatch(e -> e.targetId().equals("c-7") && e.details().get("outcome").equals("READY"));
        AuditQuery wildcard = new AuditQuery(null, null, null, null, null, null, "%");
        assertThat(auditLog.count(wildcard)).as("search text is literal, not a pattern").isZero();
        assertThat(auditLog.actions()).contains("connection.connected", "session.signed_in");
        assertThat(auditLog.connectors()).hasSize(50);

        assertThatThrownBy(() -> auditLog.page(range.withRange(START.plusSeconds(10), START), null))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void one_tampered_event_among_100000_is_found_and_named() throws Exception {
        Org org = orgWithEvents(100_000);
        orgs.signIn(org.owner());
        AuditVerifier.Result intact = auditLog.verify();
        assertThat(intact.intact()).as(intact.describe()).isTrue();
        assertThat(intact.checked()).as("100,000 and the owner's sign-in").isEqualTo(100_001);

        db.execute("alter table audit_event disable trigger audit_event_no_update_or_delete");
        try {
            db.update(AUDIT_EVENT).set(AUDIT_EVENT.ACTOR_LABEL, "someone-else@bench.example")
                    .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.SEQ.eq(73_456L))).execute();
        } finally {
            db.execute("alter table audit_event enable trigger audit_event_no_update_or_delete");
        }
        AuditVerifier.Result broken = auditLog.verify();
        assertThat(broken.intact()).isFalse();
        assertThat(broken.brokenAtSeq()).isEqualTo(73_456L);
        assertThat(broken.describe()).contains("changed after it was written");

        Org tail = orgWithEvents(1_000);
        db.execute("alter table audit_event disable trigger audit_event_no_update_or_delete");
        try {
            db.deleteFrom(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(tail.id()).and(AUDIT_EVENT.SEQ.gt(990L)))
                    .execute();
        } finally {
            db.execute("alter table audit_event enable trigger audit_event_no_update_or_delete");
        }
        orgs.signIn(tail.owner());
        // the sign-in appended #1,001 after the head: the removed #991–#1,000 leave a gap before it
        AuditVerifier.Result cut = auditLog.verify();
        assertThat(cut.brokenAtSeq()).isEqualTo(991L);
        assertThat(cut.describe()).contains("missing");
    }

    @Test
    void exports_stream_rfc4180_csv_and_verifiable_json_lines_and_are_audited() throws Exception {
        Org org = orgWithEvents(2_500);
        orgs.signIn(org.owner());
        java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
        List<Long> progress = new ArrayList<>();
        long rows = auditLog.export(AuditQuery.ALL, AuditExportFormat.CSV, csv, progress::add);
        assertThat(rows).as("2,500, the owner's sign-in and this export's own start").isEqualTo(2_502);
        assertThat(progress).contains(1000L, 2000L, 2502L);
        String[] lines = csv.toString(java.nio.charset.StandardCharsets.UTF_8).split("\r\n");
        assertThat(lines[0]).isEqualTo("id,seq,occurred_at,org_id,actor_id,actor_label,action,target_type,target_id,"
                + "target_label,details,client_address,user_agent,prev_hash,hash");
        assertThat(lines).hasSize(2_503);
        assertThat(lines[1]).contains(",1,2026-01-01T00:00:01.000000Z,").contains("\"{\"\"n\"\": \"\"1\"\"");

        java.io.ByteArrayOutputStream jsonlBytes = new java.io.ByteArrayOutputStream();
        auditLog.export(AuditQuery.ALL, AuditExportFormat.JSONL, jsonlBytes, n -> { });
        String jsonl = jsonlBytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        AuditVerifier.Result ok = AuditVerifier.verifyJsonLines(new BufferedReader(new StringReader(
                jsonl)));
        assertThat(ok.intact()).as(ok.describe()).isTrue();
        assertThat(ok.checked()).as("and the CSV export's end, and this export's start").isEqualTo(2_504);
        String tampered = jsonl.replaceFirst("\"seq\":1200,(.*?)\"action\":\"[a-z._]+\"",
                "\"seq\":1200,$1\"action\":\"account.renamed\"");
        AuditVerifier.Result bad = AuditVerifier.verifyJsonLines(new BufferedReader(new StringReader(tampered)));
        assertThat(bad.brokenAtSeq()).isEqualTo(1200L);
        String gap = jsonl.replaceFirst("\\{\"id\":\"[^\\n]*\"seq\":900,[^\\n]*\\n", "");
        assertThat(jsonl.strip()).endsWith("\"filtered\":false,\"last_seq\":2504,\"last_hash\":\""
                + auditLog.page(AuditQuery.ALL, null).events().get(1).hash() + "\"}}");
        AuditVerifier.Result missing = AuditVerifier.verifyJsonLines(new BufferedReader(new StringReader(gap)));
        assertThat(missing.brokenAtSeq()).isEqualTo(900L);
        assertThat(missing.describe()).contains("missing");

        List<AuditEvent> newest = auditLog.page(AuditQuery.ALL, null).events();
        assertThat(newest.get(0).action()).isEqualTo("audit.export_finished");
        assertThat(newest.get(0).details()).containsEntry("rows", "2504").containsEntry("format", "jsonl")
                .containsEntry("outcome", "completed");
        assertThat(newest.get(1).action()).as("recorded before the first byte").isEqualTo("audit.exported");

        java.io.ByteArrayOutputStream part = new java.io.ByteArrayOutputStream();
        auditLog.export(new AuditQuery(null, null, null, "connection.connected", null, null, null),
                AuditExportFormat.JSONL, part, n -> { });
        AuditVerifier.Result partial = AuditVerifier.verifyJsonLines(new BufferedReader(new StringReader(
                part.toString(java.nio.charset.StandardCharsets.UTF_8))));
        assertThat(partial.intact()).as("a filtered export has gaps by design: " + partial.describe()).isTrue();
        assertThat(partial.checked()).isEqualTo(500);
    }

    @Test
    void csv_cells_a_spreadsheet_would_run_are_neutralised_and_quoting_follows_rfc_4180() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String[] labels = {"=HYPERLINK(\"http://evil.example\")", "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd",
            "a,b", "two\nlines", "plain=fine"};
        tx.executeWithoutResult(s -> {
            for (String label : labels) {
                audit.record(new AuditRecord(org.id(), Actor.SYSTEM, "test.label", "thing", "x", label, null));
            }
        });
        orgs.signIn(org.owner());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        auditLog.export(new AuditQuery(null, null, null, "test.label", null, null, null), AuditExportFormat.CSV,
                out, n -> { });
        String csv = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csv).contains(",\"'=HYPERLINK(\"\"http://evil.example\"\")\",")
                .contains(",'+1+1,").contains(",'-2,").contains(",'@SUM(A1),").contains(",'\tcmd,")
                .contains(",\"'\rcmd\",").contains(",\"a,b\",").contains(",\"two\nlines\",")
                .contains(",plain=fine,");
        assertThat(csv.split("\r\n")).as("header, 9 records; the line break inside a field stays LF").hasSize(10);
    }

    @Test
    void members_are_refused_and_owners_see_only_their_own_organization() {
        Org org = orgWithEvents(10);
        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> auditLog.page(AuditQuery.ALL, null)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> auditLog.export(AuditQuery.ALL, AuditExportFormat.CSV,
                new java.io.ByteArrayOutputStream(), n -> { }))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> auditLog.verify()).isInstanceOf(AccessDeniedException.class);

        orgs.signIn(other.owner());
        Set<String> actors = new HashSet<>();
        auditLog.page(AuditQuery.ALL, null).events().forEach(e -> actors.add(e.actorLabel()));
        assertThat(actors).doesNotContain("person3@bench.example");
        assertThat(auditLog.page(new AuditQuery(null, null, null, null, "c-3", null, null), null).events()).isEmpty();
        assertThat(db.fetchCount(ORGANIZATION)).isPositive();
    }
}
