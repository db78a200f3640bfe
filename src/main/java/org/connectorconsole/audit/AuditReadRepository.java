package org.connectorconsole.audit;

import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** Reads an organization's audit events (filtered, keyset-paged, streamed) and its API tokens. */
@Repository
class AuditReadRepository {

    /** Rows fetched per round trip when streaming (bounds the exporter's memory). */
    static final int STREAM_FETCH_SIZE = 2000;

    private final DSLContext db;

    AuditReadRepository(DSLContext db) {
        this.db = db;
    }

    static Condition where(OrganizationId orgId, AuditQuery q) {
        Condition c = AUDIT_EVENT.ORG_ID.eq(orgId);
        if (q.from() != null) {
            c = c.and(AUDIT_EVENT.OCCURRED_AT.ge(q.from().atOffset(ZoneOffset.UTC)));
        }
        if (q.to() != null) {
            c = c.and(AUDIT_EVENT.OCCURRED_AT.lt(q.to().atOffset(ZoneOffset.UTC)));
        }
        if (q.action() != null) {
            c = c.and(AUDIT_EVENT.ACTION.eq(q.action()));
        }
        if (q.actor() != null) {
            c = c.and(AUDIT_EVENT.ACTOR_LABEL.containsIgnoreCase(q.actor()));
        }
        if (q.targetId() != null) {
            c = c.and(AUDIT_EVENT.TARGET_ID.eq(q.targetId()));
        }
        if (q.member() != null) {
            c = c.and(AUDIT_EVENT.ACTOR_ID.eq(new UserId(q.member())).or(AUDIT_EVENT.TARGET_ID.eq(q.member().toString())));
        }
        if (q.text() != null) {
            Field<String> details = DSL.field("{0}::text", String.class, AUDIT_EVENT.DETAILS);
            c = c.and(AUDIT_EVENT.ACTION.containsIgnoreCase(q.text())
                    .or(AUDIT_EVENT.ACTOR_LABEL.containsIgnoreCase(q.text()))
                    .or(AUDIT_EVENT.TARGET_LABEL.containsIgnoreCase(q.text()))
                    .or(details.containsIgnoreCase(q.text())));
        }
        return c;
    }

    /** Newest first, strictly older than {@code beforeSeq} when given: a keyset page, as fast at any depth. */
    List<AuditEvent> page(OrganizationId orgId, AuditQuery q, Long beforeSeq, int size) {
        Condition c = where(orgId, q);
        if (beforeSeq != null) {
            c = c.and(AUDIT_EVENT.SEQ.lt(beforeSeq));
        }
        return db.selectFrom(AUDIT_EVENT).where(c).orderBy(AUDIT_EVENT.SEQ.desc()).limit(size)
                .fetch(AuditRepository::toEvent);
    }

    long count(OrganizationId orgId, AuditQuery q) {
        return db.fetchCount(AUDIT_EVENT, where(orgId, q));
    }

    /** Targets of one type that appear in the log (for the connector filter), newest label per id. */
    List<AuditTarget> targets(OrganizationId orgId, String type) {
        return db.select(AUDIT_EVENT.TARGET_ID, DSL.max(AUDIT_EVENT.TARGET_LABEL)).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(orgId).and(AUDIT_EVENT.TARGET_TYPE.eq(type)))
                .groupBy(AUDIT_EVENT.TARGET_ID).orderBy(DSL.max(AUDIT_EVENT.TARGET_LABEL))
                .limit(1000)
                .fetch(r -> new AuditTarget(r.value1(), r.value2()));
    }

    /** People who acted in the log (for the member filter). */
    List<AuditTarget> actors(OrganizationId orgId) {
        return db.select(AUDIT_EVENT.ACTOR_ID, DSL.max(AUDIT_EVENT.ACTOR_LABEL)).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(orgId).and(AUDIT_EVENT.ACTOR_ID.isNotNull()))
                .groupBy(AUDIT_EVENT.ACTOR_ID).orderBy(DSL.max(AUDIT_EVENT.ACTOR_LABEL))
                .limit(1000)
                .fetch(r -> new AuditTarget(r.value1().toString(), r.value2()));
    }

    /**
     * The export's text columns a spreadsheet could take for a formula (labels, names, addresses, the user agent):
     * {@link CsvLineEnds} neutralises their cells. The others are ids, numbers, times, JSON and hashes.
     */
    static final int[] FORMULA_PRONE_COLUMNS = {5, 6, 7, 8, 9, 11, 12};

    /** Where COPY's JSON Lines keep the values the trailer needs: seq and hash. */
    static final int SEQ_COLUMN = 1;
    static final int HASH_COLUMN = 14;
    private static final CsvToJsonLines.Kind[] JSON_KINDS = new CsvToJsonLines.Kind[15];

    static {
        java.util.Arrays.fill(JSON_KINDS, CsvToJsonLines.Kind.TEXT);
        JSON_KINDS[SEQ_COLUMN] = CsvToJsonLines.Kind.RAW; // a number
        JSON_KINDS[10] = CsvToJsonLines.Kind.RAW; // details: the JSON object as stored
    }

    /**
     * Streams the filtered events oldest first as CSV through PostgreSQL's COPY (the path {@code psql \copy}
     * takes): the server writes RFC 4180 fields of the columns as stored, and {@link CsvLineEnds} turns record ends
     * into CRLF, neutralises formula-like text cells of {@link #FORMULA_PRONE_COLUMNS} and counts rows. Call
     * inside a transaction.
     */
    long copyCsv(OrganizationId orgId, AuditQuery q, java.io.OutputStream out,
            java.util.function.LongConsumer progress) {
        CsvLineEnds target = new CsvLineEnds(out, progress, FORMULA_PRONE_COLUMNS);
        copy(orgId, q, target);
        return target.rows();
    }

    /**
     * Streams the filtered events oldest first as JSON Lines: the same COPY as {@link #copyCsv}, turned into one
     * object a line by {@link CsvToJsonLines} (keys in {@link AuditExportColumns#COLUMNS} order, {@code seq} a
     * number, {@code details} the stored JSON object). Call inside a transaction. Returns the pass, flushed, for
     * its row count and the last event's seq and hash.
     */
    CsvToJsonLines copyJsonLines(OrganizationId orgId, AuditQuery q, java.io.OutputStream out,
            java.util.function.LongConsumer progress) {
        CsvToJsonLines target = new CsvToJsonLines(out, AuditExportColumns.COLUMNS, JSON_KINDS, progress,
                SEQ_COLUMN, HASH_COLUMN);
        copy(orgId, q, target);
        return target;
    }

    private void copy(OrganizationId orgId, AuditQuery q, java.io.OutputStream target) {
        String where = DSL.using(SQLDialect.POSTGRES).renderInlined(where(orgId, q));
        String sql = "copy (select id, seq, to_char(occurred_at at time zone 'UTC', "
                + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), org_id, actor_id, actor_label, action, target_type, "
                + "target_id, target_label, details::text, client_address, user_agent, prev_hash, hash "
                + "from audit_event where " + where + " order by seq) to stdout with (format csv)";
        db.connection(connection -> {
            try (var statement = connection.createStatement()) {
                // the inlined literals rely on it (PostgreSQL's default; an old server setting must not undo it)
                statement.execute("set local standard_conforming_strings = on");
            }
            connection.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut(sql, target);
            target.flush();
        });
    }

    /** The organization's chain head: the last event's seq and hash as the writers recorded them. */
    java.util.Optional<long[]> headSeq(OrganizationId orgId) {
        return db.select(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD.LAST_SEQ)
                .from(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD)
                .where(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD.ORG_ID.eq(orgId))
                .fetchOptional(r -> new long[] {r.value1()});
    }

    String headHash(OrganizationId orgId) {
        return db.select(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD.LAST_HASH)
                .from(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD)
                .where(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD.ORG_ID.eq(orgId))
                .fetchOne(org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD.LAST_HASH);
    }

    /** The whole chain, oldest first, streamed (for verification). */
    void chain(OrganizationId orgId, Consumer<AuditEvent> each) {
        try (var cursor = db.selectFrom(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(orgId))
                .orderBy(AUDIT_EVENT.SEQ).fetchSize(STREAM_FETCH_SIZE).fetchLazy()) {
            for (var r : cursor) {
                each.accept(AuditRepository.toEvent(r));
            }
        }
    }
}
