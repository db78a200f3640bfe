package org.connectorconsole.support;

import static org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.connectorconsole.audit.AuditChain;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.db.tables.records.AuditEventRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Writes a long, valid hash chain for an organization quickly (batched inserts), for tests and benchmarks that
 * need many events: the same hashing as the console, one event per second from {@code start}.
 */
public final class SyntheticAudit {

    private static final String[] ACTIONS = {"connector.checked", "session.signed_in", "connection.connected",
        "connector.updated", "connection.refresh_failed"};

    private SyntheticAudit() {
    }

    public static void write(DSLContext db, OrganizationId orgId, int count, Instant start) {
        String prev = AuditChain.GENESIS;
        Instant base = start.truncatedTo(ChronoUnit.SECONDS);
        List<AuditEventRecord> batch = new ArrayList<>(5000);
        for (int i = 1; i <= count; i++) {
            UUID id = UUID.randomUUID();
            Instant at = base.plusSeconds(i);
            String action = ACTIONS[i % ACTIONS.length];
            String actor = "person" + (i % 17) + "@bench.example";
            TreeMap<String, String> details = new TreeMap<>();
            details.put("outcome", i % 3 == 0 ? "READY" : "FAILED");
            details.put("n", Integer.toString(i));
            String hash = AuditChain.hash(prev, id, orgId, i, at, null, actor, action, "connector",
                    "c-" + (i % 50), "Connector " + (i % 50), details, "10.0.0." + (i % 200), "bench/1.0");
            AuditEventRecord r = db.newRecord(AUDIT_EVENT);
            r.setId(id);
            r.setOrgId(orgId);
            r.setSeq((long) i);
            r.setOccurredAt(at.atOffset(ZoneOffset.UTC));
            r.setActorLabel(actor);
            r.setAction(action);
            r.setTargetType("connector");
            r.setTargetId("c-" + (i % 50));
            r.setTargetLabel("Connector " + (i % 50));
            r.setDetails(JSONB.valueOf("{\"n\": \"" + i + "\", \"outcome\": \"" + details.get("outcome") + "\"}"));
            r.setClientAddress("10.0.0." + (i % 200));
            r.setUserAgent("bench/1.0");
            r.setPrevHash(prev);
            r.setHash(hash);
            batch.add(r);
            prev = hash;
            if (batch.size() == 5000 || i == count) {
                db.batchInsert(batch).execute();
                batch.clear();
            }
        }
        db.insertInto(AUDIT_CHAIN_HEAD).set(AUDIT_CHAIN_HEAD.ORG_ID, orgId)
                .set(AUDIT_CHAIN_HEAD.LAST_SEQ, (long) count).set(AUDIT_CHAIN_HEAD.LAST_HASH, prev)
                .onConflict(AUDIT_CHAIN_HEAD.ORG_ID).doUpdate()
                .set(AUDIT_CHAIN_HEAD.LAST_SEQ, (long) count).set(AUDIT_CHAIN_HEAD.LAST_HASH, prev)
                .execute();
    }
}
