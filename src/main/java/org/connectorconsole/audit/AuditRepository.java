package org.connectorconsole.audit;

import static org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.db.tables.records.AuditEventRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

@Repository
class AuditRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<TreeMap<String, String>> DETAILS = new TypeReference<>() {
    };

    record ChainHead(long lastSeq, String lastHash) {
    }

    private final DSLContext db;

    AuditRepository(DSLContext db) {
        this.db = db;
    }

    /** Locks the organization's chain head for this transaction, creating it on first use. */
    @Transactional(propagation = Propagation.MANDATORY)
    ChainHead lockHead(OrganizationId orgId) {
        // one round trip: the head as it is, locked (SELECT … FOR UPDATE); created first only when there is none yet
        var head = db.selectFrom(AUDIT_CHAIN_HEAD)
                .where(AUDIT_CHAIN_HEAD.ORG_ID.eq(orgId))
                .forUpdate()
                .fetchOptional();
        if (head.isEmpty()) {
            db.insertInto(AUDIT_CHAIN_HEAD)
                    .set(AUDIT_CHAIN_HEAD.ORG_ID, orgId)
                    .set(AUDIT_CHAIN_HEAD.LAST_SEQ, 0L)
                    .set(AUDIT_CHAIN_HEAD.LAST_HASH, AuditChain.GENESIS)
                    .onConflictDoNothing()
                    .execute();
            head = Optional.of(db.selectFrom(AUDIT_CHAIN_HEAD)
                    .where(AUDIT_CHAIN_HEAD.ORG_ID.eq(orgId))
                    .forUpdate()
                    .fetchSingle());
        }
        return new ChainHead(head.get().getLastSeq(), head.get().getLastHash());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void append(AuditEvent e) {
        appendAll(List.of(e));
    }

    /** Consecutive events of one organization and the new head (the last event's), in one round trip (a batch). */
    @Transactional(propagation = Propagation.MANDATORY)
    void appendAll(List<AuditEvent> events) {
        // the events and the new head in one round trip (a batch): the chain lock is held while they are written
        List<org.jooq.Query> queries = new java.util.ArrayList<>(events.size() + 1);
        for (AuditEvent e : events) {
            queries.add(insert(e));
        }
        AuditEvent last = events.getLast();
        queries.add(db.update(AUDIT_CHAIN_HEAD)
                .set(AUDIT_CHAIN_HEAD.LAST_SEQ, last.seq())
                .set(AUDIT_CHAIN_HEAD.LAST_HASH, last.hash())
                .where(AUDIT_CHAIN_HEAD.ORG_ID.eq(last.orgId())));
        db.batch(queries).execute();
    }

    private org.jooq.Query insert(AuditEvent e) {
        return db.insertInto(AUDIT_EVENT)
                .set(AUDIT_EVENT.ID, e.id())
                .set(AUDIT_EVENT.ORG_ID, e.orgId())
                .set(AUDIT_EVENT.SEQ, e.seq())
                .set(AUDIT_EVENT.OCCURRED_AT, e.occurredAt().atOffset(ZoneOffset.UTC))
                .set(AUDIT_EVENT.ACTOR_ID, e.actorId())
                .set(AUDIT_EVENT.ACTOR_LABEL, e.actorLabel())
                .set(AUDIT_EVENT.ACTION, e.action())
                .set(AUDIT_EVENT.TARGET_TYPE, e.targetType())
                .set(AUDIT_EVENT.TARGET_ID, e.targetId())
                .set(AUDIT_EVENT.TARGET_LABEL, e.targetLabel())
                .set(AUDIT_EVENT.DETAILS, JSONB.valueOf(JSON.writeValueAsString(e.details())))
                .set(AUDIT_EVENT.CLIENT_ADDRESS, e.clientAddress())
                .set(AUDIT_EVENT.USER_AGENT, e.userAgent())
                .set(AUDIT_EVENT.PREV_HASH, e.prevHash())
                .set(AUDIT_EVENT.HASH, e.hash());
    }

    /** The organization's events in chain order (oldest first). */
    List<AuditEvent> chain(OrganizationId orgId) {
        return db.selectFrom(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(orgId))
                .orderBy(AUDIT_EVENT.SEQ)
                .fetch(AuditRepository::toEvent);
    }

    static AuditEvent toEvent(AuditEventRecord r) {
        TreeMap<String, String> details = JSON.readValue(r.getDetails().data(), DETAILS);
        return new AuditEvent(r.getId(), r.getOrgId(), r.getSeq(),
                r.getOccurredAt().toInstant(), r.getActorId(),
                r.getActorLabel(), r.getAction(), r.getTargetType(), r.getTargetId(), r.getTargetLabel(),
                details == null ? new TreeMap<>(Map.of()) : details, r.getClientAddress(), r.getUserAgent(),
                r.getPrevHash(), r.getHash());
    }
}
