package org.connectorconsole.registry.internal;

import static org.connectorconsole.db.Tables.CONNECTOR;
import static org.connectorconsole.db.Tables.ORGANIZATION;
import static org.connectorconsole.db.Tables.REGISTRY_SETTINGS;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The private registry's settings, and the read-only projection of the organization's connectors it publishes
 * (a registry entry needs the connector's key, name, address and times, nothing else of the connector feature).
 */
@Repository
public class RegistryRepository {

    /** The settings as stored; {@code access} OFF when there is no row. */
    public record Settings(String access, String tokenHash, int version) {
    }

    /** A published connector. */
    public record Entry(UUID connectorId, String key, String name, String url, int version,
            OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    private final DSLContext db;

    RegistryRepository(DSLContext db) {
        this.db = db;
    }

    public Settings settings(OrganizationId orgId) {
        return db.selectFrom(REGISTRY_SETTINGS).where(REGISTRY_SETTINGS.ORG_ID.eq(orgId)).fetchOptional()
                .map(r -> new Settings(r.getAccess(), r.getTokenHash(), r.getVersion()))
                .orElse(new Settings("OFF", null, -1));
    }

    /** Saves the settings if they are still at {@code expectedVersion} (-1: no row yet); false otherwise. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean save(OrganizationId orgId, String access, String tokenHash, int expectedVersion,
            OffsetDateTime now) {
        if (expectedVersion < 0) {
            return db.insertInto(REGISTRY_SETTINGS)
                    .set(REGISTRY_SETTINGS.ORG_ID, orgId)
                    .set(REGISTRY_SETTINGS.ACCESS, access)
                    .set(REGISTRY_SETTINGS.TOKEN_HASH, tokenHash)
                    .set(REGISTRY_SETTINGS.UPDATED_AT, now)
                    .onConflictDoNothing().execute() == 1;
        }
        return db.update(REGISTRY_SETTINGS)
                .set(REGISTRY_SETTINGS.ACCESS, access)
                .set(REGISTRY_SETTINGS.TOKEN_HASH, tokenHash)
                .set(REGISTRY_SETTINGS.UPDATED_AT, now)
                .set(REGISTRY_SETTINGS.VERSION, REGISTRY_SETTINGS.VERSION.plus(1))
                .where(REGISTRY_SETTINGS.ORG_ID.eq(orgId).and(REGISTRY_SETTINGS.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    public Optional<String> organizationName(OrganizationId orgId) {
        return db.select(ORGANIZATION.NAME).from(ORGANIZATION).where(ORGANIZATION.ID.eq(orgId))
                .fetchOptional(r -> r.value1());
    }

    /**
     * The organization's enabled connectors that everyone in it may use, in key order, after {@code afterKey}
     * (null: from the first), at most {@code limit}.
     */
    public List<Entry> published(OrganizationId orgId, String afterKey, int limit) {
        var where = CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ENABLED.isTrue())
                .and(CONNECTOR.AUDIENCE.eq("EVERYONE"));
        if (afterKey != null) {
            where = where.and(CONNECTOR.CONNECTOR_KEY.gt(afterKey));
        }
        return db.select(CONNECTOR.ID, CONNECTOR.CONNECTOR_KEY, CONNECTOR.NAME, CONNECTOR.URL, CONNECTOR.VERSION,
                        CONNECTOR.CREATED_AT, CONNECTOR.UPDATED_AT)
                .from(CONNECTOR).where(where).orderBy(CONNECTOR.CONNECTOR_KEY).limit(limit)
                .fetch(r -> new Entry(r.get(CONNECTOR.ID), r.get(CONNECTOR.CONNECTOR_KEY), r.get(CONNECTOR.NAME),
                        r.get(CONNECTOR.URL), r.get(CONNECTOR.VERSION), r.get(CONNECTOR.CREATED_AT),
                        r.get(CONNECTOR.UPDATED_AT)));
    }

    public Optional<Entry> publishedByKey(OrganizationId orgId, String key) {
        return db.select(CONNECTOR.ID, CONNECTOR.CONNECTOR_KEY, CONNECTOR.NAME, CONNECTOR.URL, CONNECTOR.VERSION,
                        CONNECTOR.CREATED_AT, CONNECTOR.UPDATED_AT)
                .from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ENABLED.isTrue())
                        .and(CONNECTOR.AUDIENCE.eq("EVERYONE")).and(CONNECTOR.CONNECTOR_KEY.eq(key)))
                .fetchOptional(r -> new Entry(r.get(CONNECTOR.ID), r.get(CONNECTOR.CONNECTOR_KEY),
                        r.get(CONNECTOR.NAME), r.get(CONNECTOR.URL), r.get(CONNECTOR.VERSION),
                        r.get(CONNECTOR.CREATED_AT), r.get(CONNECTOR.UPDATED_AT)));
    }
}
