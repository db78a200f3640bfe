package org.connectorconsole.connector.internal;

import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.RenderedOnce;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.db.tables.records.ConnectorRecord;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Connectors of an organization; every query is scoped by {@code org_id}. */
@Repository
public class ConnectorRepository {

    private static final JsonMapper JSON = JsonMapper.builder().findAndAddModules().build();

    /** A row with its sealed secret, for the service only (never leaves the feature). */
    public record Stored(Connector connector, byte[] sealedClientSecret, String clientIssuer) {
    }

    private final DSLContext db;

    ConnectorRepository(DSLContext db) {
        this.db = db;
    }

    /** How many members hold a working connection to the connector (counted in the same query). */
    private static final Field<Integer> CONNECTED = DSL.field(DSL.selectCount().from(CONNECTION)
            .where(CONNECTION.CONNECTOR_ID.eq(CONNECTOR.ID)
                    .and(CONNECTION.STATUS.eq("CONNECTED")))).as("connected_members");

    public List<Connector> list(OrganizationId orgId) {
        return db.select(CONNECTOR.asterisk(), CONNECTED).from(CONNECTOR).where(CONNECTOR.ORG_ID.eq(orgId))
                .orderBy(CONNECTOR.NAME, CONNECTOR.CREATED_AT, CONNECTOR.ID)
                .fetch(r -> toConnector(r.into(CONNECTOR), r.get(CONNECTED)));
    }

    /**
     * A page of the organization's connectors in the list's order (name, then when added, then id) after
     * {@code after} (the last row of the previous page, or null), optionally only those whose name or URL contains
     * {@code search} (case-insensitive, wildcards taken literally). Reads {@code limit + 1} rows.
     */
    public List<Connector> page(OrganizationId orgId, String search, Connector after, int limit) {
        Condition where = CONNECTOR.ORG_ID.eq(orgId);
        if (search != null) {
            where = where.and(CONNECTOR.NAME.containsIgnoreCase(search).or(CONNECTOR.URL.containsIgnoreCase(search)));
        }
        if (after != null) {
            where = where.and(DSL.row(CONNECTOR.NAME, CONNECTOR.CREATED_AT, CONNECTOR.ID).gt(DSL.row(
                    DSL.val(after.name()), DSL.val(after.createdAt().atOffset(ZoneOffset.UTC)),
                    DSL.val(after.id().value()))));
        }
        return db.select(CONNECTOR.asterisk(), CONNECTED).from(CONNECTOR).where(where)
                .orderBy(CONNECTOR.NAME, CONNECTOR.CREATED_AT, CONNECTOR.ID)
                .limit(limit + 1)
                .fetch(r -> toConnector(r.into(CONNECTOR), r.get(CONNECTED)));
    }

    public int count(OrganizationId orgId) {
        return db.fetchCount(CONNECTOR, CONNECTOR.ORG_ID.eq(orgId));
    }

    public Optional<Stored> find(OrganizationId orgId, ConnectorId id) {
        return db.select(CONNECTOR.asterisk(), CONNECTED).from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value())))
                .fetchOptional()
                .map(r -> {
                    ConnectorRecord row = r.into(CONNECTOR);
                    return new Stored(toConnector(row, r.get(CONNECTED)), row.getOauthClientSecret(),
                            row.getOauthClientIssuer());
                });
    }

    /**
     * As {@link #find}, without counting the members connected to it (zero in the result): what using a connector
     * needs (the members' side: connections, tool calls), one index look-up with no count over its connections.
     */
    public Optional<Stored> findForUse(OrganizationId orgId, ConnectorId id) {
        RenderedOnce once = forUse;
        if (once == null) {
            once = new RenderedOnce(db, db.selectFrom(CONNECTOR).where(CONNECTOR.ORG_ID.eq(new OrganizationId(
                    ORG_MARKER)).and(CONNECTOR.ID.eq(CONNECTOR_MARKER))), ORG_MARKER, CONNECTOR_MARKER);
            forUse = once;
        }
        return once.fetch(db, orgId.value(), id.value()).stream().findFirst().map(r -> r.into(CONNECTOR))
                .map(row -> new Stored(toConnector(row, 0), row.getOauthClientSecret(), row.getOauthClientIssuer()));
    }

    /** Whether the connector is switched on (empty: there is no such connector in the organization). */
    public Optional<Boolean> enabled(OrganizationId orgId, ConnectorId id) {
        RenderedOnce once = enabled;
        if (once == null) {
            once = new RenderedOnce(db, db.select(CONNECTOR.ENABLED).from(CONNECTOR).where(CONNECTOR.ORG_ID.eq(
                    new OrganizationId(ORG_MARKER)).and(CONNECTOR.ID.eq(CONNECTOR_MARKER))), ORG_MARKER,
                    CONNECTOR_MARKER);
            enabled = once;
        }
        return once.query(db, rows -> rows.next() ? Optional.of(rows.getBoolean(1)) : Optional.empty(),
                orgId.value(), id.value());
    }

    /** Markers the reads of every tool call are rendered with (decision 0076); never an id in use. */
    private static final java.util.UUID ORG_MARKER = new java.util.UUID(0x0c0c0c0c0c0c0c0cL, 0x771);
    private static final java.util.UUID CONNECTOR_MARKER = new java.util.UUID(0x0c0c0c0c0c0c0c0cL, 0x772);
    /** The connector for use and its switch, rendered once ({@link RenderedOnce}): every tool call reads both. */
    private volatile RenderedOnce forUse;
    private volatile RenderedOnce enabled;

    /**
     * The connector, read with a share lock held until the transaction ends: an owner's edit, disable or removal
     * waits for it (and its connections are ended after), or went first and is seen.
     */
    public Optional<Connector> findShared(OrganizationId orgId, ConnectorId id) {
        return db.selectFrom(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value())))
                .forShare()
                .fetchOptional(r -> toConnector(r, 0));
    }

    public Optional<Connector> findByUrl(OrganizationId orgId, String url) {
        return db.selectFrom(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.URL.eq(url)))
                .fetchOptional(r -> toConnector(r, 0));
    }

    public void insert(OrganizationId orgId, ConnectorId id, String name, String url, String clientId,
            byte[] sealedSecret, UserId by, OffsetDateTime now) {
        db.insertInto(CONNECTOR)
                .set(CONNECTOR.ID, id.value())
                .set(CONNECTOR.ORG_ID, orgId)
                .set(CONNECTOR.NAME, name)
                .set(CONNECTOR.URL, url)
                .set(CONNECTOR.CONNECTOR_KEY, freeKey(orgId, name))
                .set(CONNECTOR.ENABLED, true)
                .set(CONNECTOR.OAUTH_CLIENT_ID, clientId)
                .set(CONNECTOR.OAUTH_CLIENT_SECRET, sealedSecret)
                .set(CONNECTOR.CREATED_AT, now)
                .set(CONNECTOR.CREATED_BY, by)
                .set(CONNECTOR.UPDATED_AT, now)
                .execute();
    }

    /**
     * A key for a new connector named {@code name}: its name in lower-case letters and digits joined by single
     * hyphens (at most 24 characters), and "-2", "-3", ... when the organization already has that key. Two owners
     * adding connectors of the same name at once: one insert fails on the unique constraint and can be retried.
     */
    private String freeKey(OrganizationId orgId, String name) {
        String base = keyOf(name);
        java.util.Set<String> taken = new java.util.HashSet<>(db.select(CONNECTOR.CONNECTOR_KEY).from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.CONNECTOR_KEY.startsWith(base)))
                .fetch(CONNECTOR.CONNECTOR_KEY));
        String key = base;
        for (int n = 2; taken.contains(key); n++) {
            key = base + "-" + n;
        }
        return key;
    }

    /** The key part made of a name (see V13__gateway.sql): "GitHub (work)" becomes "github-work". */
    public static String keyOf(String name) {
        String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (slug.length() > 24) {
            slug = slug.substring(0, 24).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? "connector" : slug;
    }

    /** Each connector's key in the organization. */
    public java.util.Map<ConnectorId, String> keys(OrganizationId orgId) {
        return db.select(CONNECTOR.ID, CONNECTOR.CONNECTOR_KEY).from(CONNECTOR).where(CONNECTOR.ORG_ID.eq(orgId))
                .fetchMap(r -> new ConnectorId(r.value1()), r -> r.value2());
    }

    /** Returns false when the row changed since {@code expectedVersion} (or is gone). */
    public boolean update(OrganizationId orgId, ConnectorId id, int expectedVersion, String name, String url,
            String clientId, byte[] sealedSecret, boolean urlChanged, boolean credentialsChanged, OffsetDateTime now) {
        var update = db.update(CONNECTOR)
                .set(CONNECTOR.NAME, name)
                .set(CONNECTOR.URL, url)
                .set(CONNECTOR.OAUTH_CLIENT_ID, clientId)
                .set(CONNECTOR.OAUTH_CLIENT_SECRET, sealedSecret)
                .set(CONNECTOR.UPDATED_AT, now)
                .set(CONNECTOR.VERSION, CONNECTOR.VERSION.plus(1));
        if (credentialsChanged) {
            // new credentials: bound to the issuer they are first used with, not to the old ones'
            update = update.setNull(CONNECTOR.OAUTH_CLIENT_ISSUER);
        }
        if (urlChanged) {
            // the old check was of another server
            update = update.setNull(CONNECTOR.LAST_CHECK).setNull(CONNECTOR.LAST_CHECK_AT)
                    .setNull(CONNECTOR.LAST_CHECK_OUTCOME);
        }
        return update.where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))
                        .and(CONNECTOR.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    /**
     * Binds the owner's client credentials ({@code clientId}, still the connector's) to {@code issuer} unless they
     * are bound already; returns the issuer they are bound to now.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<String> bindClientIssuer(OrganizationId orgId, ConnectorId id, String clientId, String issuer) {
        db.update(CONNECTOR)
                .set(CONNECTOR.OAUTH_CLIENT_ISSUER, issuer)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))
                        .and(CONNECTOR.OAUTH_CLIENT_ID.eq(clientId)).and(CONNECTOR.OAUTH_CLIENT_ISSUER.isNull()))
                .execute();
        return db.select(CONNECTOR.OAUTH_CLIENT_ISSUER).from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))
                        .and(CONNECTOR.OAUTH_CLIENT_ID.eq(clientId)))
                .fetchOptional(CONNECTOR.OAUTH_CLIENT_ISSUER);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setEnabled(OrganizationId orgId, ConnectorId id, int expectedVersion, boolean enabled,
            OffsetDateTime now) {
        return db.update(CONNECTOR)
                .set(CONNECTOR.ENABLED, enabled)
                .set(CONNECTOR.UPDATED_AT, now)
                .set(CONNECTOR.VERSION, CONNECTOR.VERSION.plus(1))
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))
                        .and(CONNECTOR.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    public boolean delete(OrganizationId orgId, ConnectorId id, int expectedVersion) {
        return db.deleteFrom(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))
                        .and(CONNECTOR.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    /** Stores a check's result unless the URL changed meanwhile (then the result is of another server). */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean saveCheck(OrganizationId orgId, ConnectorId id, Diagnosis diagnosis) {
        return db.update(CONNECTOR)
                .set(CONNECTOR.LAST_CHECK, JSONB.valueOf(JSON.writeValueAsString(diagnosis)))
                .set(CONNECTOR.LAST_CHECK_AT, diagnosis.checkedAt().atOffset(ZoneOffset.UTC))
                .set(CONNECTOR.LAST_CHECK_OUTCOME, diagnosis.outcome().name())
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))
                        .and(CONNECTOR.URL.eq(diagnosis.url())))
                .execute() == 1;
    }

    /** A sealed client secret and the row it belongs to. */
    public record SealedSecret(OrganizationId orgId, ConnectorId id, byte[] sealed) {
    }

    /**
     * Every stored client secret, across organizations: only for re-sealing after a key rotation, which the
     * console does for itself at start-up (no person's request reaches this).
     */
    public List<SealedSecret> allSealedSecrets() {
        return db.select(CONNECTOR.ORG_ID, CONNECTOR.ID, CONNECTOR.OAUTH_CLIENT_SECRET).from(CONNECTOR)
                .where(CONNECTOR.OAUTH_CLIENT_SECRET.isNotNull())
                .fetch(r -> new SealedSecret(r.value1(), new ConnectorId(r.value2()), r.value3()));
    }

    /** Replaces a sealed secret only if it is still the one that was read (a concurrent edit wins). */
    public boolean replaceSealedSecret(SealedSecret old, byte[] resealed) {
        return db.update(CONNECTOR)
                .set(CONNECTOR.OAUTH_CLIENT_SECRET, resealed)
                .where(CONNECTOR.ORG_ID.eq(old.orgId()).and(CONNECTOR.ID.eq(old.id().value()))
                        .and(CONNECTOR.OAUTH_CLIENT_SECRET.eq(old.sealed())))
                .execute() == 1;
    }

    private static Connector toConnector(ConnectorRecord r, Integer connectedMembers) {
        Diagnosis check = r.getLastCheck() == null ? null : JSON.readValue(r.getLastCheck().data(), Diagnosis.class);
        return new Connector(new ConnectorId(r.getId()), r.getName(), r.getUrl(), r.getEnabled(),
                r.getOauthClientId(), r.getOauthClientSecret() != null, r.getCreatedAt().toInstant(),
                r.getUpdatedAt().toInstant(), r.getVersion(), check,
                connectedMembers == null ? 0 : connectedMembers);
    }
}
