package org.connectorconsole.gateway.internal;

import static org.connectorconsole.db.Tables.GATEWAY_RATE;
import static org.connectorconsole.db.Tables.GATEWAY_SETTINGS;
import static org.connectorconsole.db.Tables.GATEWAY_TOKEN;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.RenderedOnce;
import org.connectorconsole.base.UserId;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Personal access tokens, gateway settings and rate windows; every query is scoped by organization. */
@Repository
public class GatewayRepository {

    /** A personal access token as stored (its hash never leaves this class). */
    public record StoredToken(UUID id, OrganizationId orgId, UserId userId, String name, Instant createdAt,
            Instant expiresAt, Instant lastUsedAt, Instant revokedAt, String revokedWhy) {
    }

    /** The organization's gateway settings; no row means off, no limits. */
    public record Settings(boolean enabled, Integer memberCallsPerMinute, Integer connectorCallsPerMinute,
            int version) {
        public static final Settings OFF = new Settings(false, null, null, -1);
    }

    private final DSLContext db;

    GatewayRepository(DSLContext db) {
        this.db = db;
    }

    // ---- personal access tokens ----

    @Transactional(propagation = Propagation.MANDATORY)
    public void insertToken(UUID id, OrganizationId orgId, UserId userId, String name, String hash,
            OffsetDateTime now, OffsetDateTime expires) {
        db.insertInto(GATEWAY_TOKEN)
                .set(GATEWAY_TOKEN.ID, id)
                .set(GATEWAY_TOKEN.ORG_ID, orgId)
                .set(GATEWAY_TOKEN.USER_ID, userId)
                .set(GATEWAY_TOKEN.NAME, name)
                .set(GATEWAY_TOKEN.TOKEN_HASH, hash)
                .set(GATEWAY_TOKEN.CREATED_AT, now)
                .set(GATEWAY_TOKEN.EXPIRES_AT, expires)
                .execute();
    }

    /** The member's tokens, newest first (revoked ones too, so the member sees what ended and why). */
    public List<StoredToken> tokens(OrganizationId orgId, UserId userId) {
        return db.selectFrom(GATEWAY_TOKEN)
                .where(GATEWAY_TOKEN.ORG_ID.eq(orgId).and(GATEWAY_TOKEN.USER_ID.eq(userId)))
                .orderBy(GATEWAY_TOKEN.CREATED_AT.desc(), GATEWAY_TOKEN.ID)
                .limit(200)
                .fetch(r -> new StoredToken(r.getId(), r.getOrgId(), r.getUserId(), r.getName(),
                        r.getCreatedAt().toInstant(), r.getExpiresAt().toInstant(),
                        r.getLastUsedAt() == null ? null : r.getLastUsedAt().toInstant(),
                        r.getRevokedAt() == null ? null : r.getRevokedAt().toInstant(), r.getRevokedWhy()));
    }

    /** Markers the hot reads are rendered with (decision 0076); never a token hash, an id or a time in use. */
    private static final String HASH_MARKER = "rendered-once-token-hash-marker";
    private static final OffsetDateTime NOW_MARKER = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 7, ZoneOffset.UTC);
    private static final UUID ORG_MARKER = new UUID(0x0c0c0c0c0c0c0c0cL, 0x76);
    /** The token by its hash and the organization's settings, rendered once: every gateway request reads both. */
    private volatile RenderedOnce liveToken;
    private volatile RenderedOnce settingsRow;

    /**
     * A live token with this hash (not revoked, not expired at {@code now}); its SQL rendered once per JVM
     * ({@link RenderedOnce}), since every gateway request reads it.
     */
    public Optional<StoredToken> live(String hash, OffsetDateTime now) {
        RenderedOnce once = liveToken;
        if (once == null) {
            once = new RenderedOnce(db, db.select(GATEWAY_TOKEN.ID, GATEWAY_TOKEN.ORG_ID, GATEWAY_TOKEN.USER_ID,
                            GATEWAY_TOKEN.NAME, GATEWAY_TOKEN.CREATED_AT, GATEWAY_TOKEN.EXPIRES_AT)
                    .from(GATEWAY_TOKEN)
                    .where(GATEWAY_TOKEN.TOKEN_HASH.eq(HASH_MARKER).and(GATEWAY_TOKEN.REVOKED_AT.isNull())
                            .and(GATEWAY_TOKEN.EXPIRES_AT.gt(NOW_MARKER))), HASH_MARKER, NOW_MARKER);
            liveToken = once;
        }
        return once.query(db, rows -> rows.next() ? Optional.of(new StoredToken(rows.getObject(1, UUID.class),
                new OrganizationId(rows.getObject(2, UUID.class)), new UserId(rows.getObject(3, UUID.class)),
                rows.getString(4), rows.getObject(5, OffsetDateTime.class).toInstant(),
                rows.getObject(6, OffsetDateTime.class).toInstant(), null, null, null)) : Optional.empty(),
                hash, now);
    }

    /** Notes a use, at most once a minute per token (a busy agent does not write on every call). */
    public void touch(UUID id, OffsetDateTime now) {
        db.update(GATEWAY_TOKEN).set(GATEWAY_TOKEN.LAST_USED_AT, now)
                .where(GATEWAY_TOKEN.ID.eq(id).and(GATEWAY_TOKEN.LAST_USED_AT.isNull()
                        .or(GATEWAY_TOKEN.LAST_USED_AT.lt(now.minusMinutes(1)))))
                .execute();
    }

    /** Revokes one of the member's live tokens; its name, or empty when there was none to revoke. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<String> revoke(OrganizationId orgId, UserId userId, UUID id, String why, OffsetDateTime now) {
        return db.update(GATEWAY_TOKEN).set(GATEWAY_TOKEN.REVOKED_AT, now).set(GATEWAY_TOKEN.REVOKED_WHY, why)
                .where(GATEWAY_TOKEN.ID.eq(id).and(GATEWAY_TOKEN.ORG_ID.eq(orgId))
                        .and(GATEWAY_TOKEN.USER_ID.eq(userId)).and(GATEWAY_TOKEN.REVOKED_AT.isNull()))
                .returning(GATEWAY_TOKEN.NAME)
                .fetchOptional(GATEWAY_TOKEN.NAME);
    }

    /** Revokes every live token of a member (userId) or of the whole organization (userId null); how many. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int revokeAll(OrganizationId orgId, UserId userId, String why, OffsetDateTime now) {
        var where = GATEWAY_TOKEN.ORG_ID.eq(orgId).and(GATEWAY_TOKEN.REVOKED_AT.isNull());
        if (userId != null) {
            where = where.and(GATEWAY_TOKEN.USER_ID.eq(userId));
        }
        return db.update(GATEWAY_TOKEN).set(GATEWAY_TOKEN.REVOKED_AT, now).set(GATEWAY_TOKEN.REVOKED_WHY, why)
                .where(where).execute();
    }

    // ---- settings ----

    /** The organization's settings (no row: off); its SQL rendered once per JVM, every gateway request reads it. */
    public Settings settings(OrganizationId orgId) {
        RenderedOnce once = settingsRow;
        if (once == null) {
            once = new RenderedOnce(db, db.select(GATEWAY_SETTINGS.ENABLED, GATEWAY_SETTINGS.MEMBER_CALLS_PER_MINUTE,
                            GATEWAY_SETTINGS.CONNECTOR_CALLS_PER_MINUTE, GATEWAY_SETTINGS.VERSION)
                    .from(GATEWAY_SETTINGS).where(GATEWAY_SETTINGS.ORG_ID.eq(new OrganizationId(ORG_MARKER))),
                    ORG_MARKER);
            settingsRow = once;
        }
        return once.query(db, rows -> rows.next() ? new Settings(rows.getBoolean(1),
                rows.getObject(2, Integer.class), rows.getObject(3, Integer.class), rows.getInt(4)) : Settings.OFF,
                orgId.value());
    }

    /** Saves the settings if nobody changed them since {@code expectedVersion} (-1: there was no row). */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean saveSettings(OrganizationId orgId, boolean enabled, Integer memberLimit, Integer connectorLimit,
            int expectedVersion, OffsetDateTime now) {
        if (expectedVersion < 0) {
            return db.insertInto(GATEWAY_SETTINGS)
                    .set(GATEWAY_SETTINGS.ORG_ID, orgId)
                    .set(GATEWAY_SETTINGS.ENABLED, enabled)
                    .set(GATEWAY_SETTINGS.MEMBER_CALLS_PER_MINUTE, memberLimit)
                    .set(GATEWAY_SETTINGS.CONNECTOR_CALLS_PER_MINUTE, connectorLimit)
                    .set(GATEWAY_SETTINGS.UPDATED_AT, now)
                    .onConflictDoNothing()
                    .execute() == 1;
        }
        return db.update(GATEWAY_SETTINGS)
                .set(GATEWAY_SETTINGS.ENABLED, enabled)
                .set(GATEWAY_SETTINGS.MEMBER_CALLS_PER_MINUTE, memberLimit)
                .set(GATEWAY_SETTINGS.CONNECTOR_CALLS_PER_MINUTE, connectorLimit)
                .set(GATEWAY_SETTINGS.UPDATED_AT, now)
                .set(GATEWAY_SETTINGS.VERSION, GATEWAY_SETTINGS.VERSION.plus(1))
                .where(GATEWAY_SETTINGS.ORG_ID.eq(orgId).and(GATEWAY_SETTINGS.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    // ---- rate windows ----

    /**
     * Counts one call against {@code subject} in the minute starting at {@code window} unless it already has
     * {@code limit}; true when counted. One statement, atomic under concurrent callers on any instance: the row's
     * lock orders them, and the conditional update counts only while below the limit.
     */
    public boolean take(OrganizationId orgId, String subject, OffsetDateTime window, int limit) {
        db.insertInto(GATEWAY_RATE)
                .set(GATEWAY_RATE.ORG_ID, orgId)
                .set(GATEWAY_RATE.SUBJECT, subject)
                .set(GATEWAY_RATE.WINDOW_START, window)
                .set(GATEWAY_RATE.CALLS, 0)
                .onConflictDoNothing()
                .execute();
        return db.update(GATEWAY_RATE).set(GATEWAY_RATE.CALLS, GATEWAY_RATE.CALLS.plus(1))
                .where(GATEWAY_RATE.ORG_ID.eq(orgId).and(GATEWAY_RATE.SUBJECT.eq(subject))
                        .and(GATEWAY_RATE.WINDOW_START.eq(window)).and(GATEWAY_RATE.CALLS.lt(limit)))
                .execute() == 1;
    }

    /** Gives a counted call back (the other limit refused it, so it was never made). */
    public void giveBack(OrganizationId orgId, String subject, OffsetDateTime window) {
        db.update(GATEWAY_RATE).set(GATEWAY_RATE.CALLS, DSL.greatest(GATEWAY_RATE.CALLS.minus(1), DSL.inline(0)))
                .where(GATEWAY_RATE.ORG_ID.eq(orgId).and(GATEWAY_RATE.SUBJECT.eq(subject))
                        .and(GATEWAY_RATE.WINDOW_START.eq(window)))
                .execute();
    }

    /** Forgets windows that ended before {@code before}. */
    public int sweep(OffsetDateTime before) {
        return db.deleteFrom(GATEWAY_RATE).where(GATEWAY_RATE.WINDOW_START.lt(before)).execute();
    }
}
