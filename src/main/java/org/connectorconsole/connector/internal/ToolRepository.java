package org.connectorconsole.connector.internal;

import static org.connectorconsole.db.Tables.CONNECTOR_TOOL;
import static org.connectorconsole.db.Tables.TOOL_SETTINGS;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolDefinition;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.db.tables.records.ConnectorToolRecord;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Connectors' tools with their policies and pinned definitions, and organizations' tool settings. */
@Repository
public class ToolRepository {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final DSLContext db;

    ToolRepository(DSLContext db) {
        this.db = db;
    }

    public List<ConnectorTool> list(OrganizationId orgId, ConnectorId connectorId) {
        return db.selectFrom(CONNECTOR_TOOL)
                .where(CONNECTOR_TOOL.ORG_ID.eq(orgId).and(CONNECTOR_TOOL.CONNECTOR_ID.eq(connectorId.value())))
                .orderBy(CONNECTOR_TOOL.NAME)
                .fetch(ToolRepository::toTool);
    }

    public Optional<ConnectorTool> find(OrganizationId orgId, ConnectorId connectorId, String name) {
        return db.selectFrom(CONNECTOR_TOOL)
                .where(CONNECTOR_TOOL.ORG_ID.eq(orgId).and(CONNECTOR_TOOL.CONNECTOR_ID.eq(connectorId.value()))
                        .and(CONNECTOR_TOOL.NAME.eq(name)))
                .fetchOptional(ToolRepository::toTool);
    }

    /** How many tools of each connector of the organization wait for a review. */
    public java.util.Map<ConnectorId, Integer> pendingCounts(OrganizationId orgId) {
        return db.select(CONNECTOR_TOOL.CONNECTOR_ID, org.jooq.impl.DSL.count()).from(CONNECTOR_TOOL)
                .where(CONNECTOR_TOOL.ORG_ID.eq(orgId).and(CONNECTOR_TOOL.PENDING_FINGERPRINT.isNotNull()))
                .groupBy(CONNECTOR_TOOL.CONNECTOR_ID)
                .fetchMap(r -> new ConnectorId(r.value1()), r -> r.value2());
    }

    /** Serialises changes to one connector's tools across console instances (until the transaction ends). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lock(ConnectorId connectorId) {
        db.execute("select pg_advisory_xact_lock(hashtextextended(?, 7))", "tools:" + connectorId);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insert(OrganizationId orgId, ConnectorId connectorId, ToolDefinition definition, ToolPolicy policy,
            boolean approve, OffsetDateTime now) {
        insert(orgId, connectorId, definition, policy, approve, false, now);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insert(OrganizationId orgId, ConnectorId connectorId, ToolDefinition definition, ToolPolicy policy,
            boolean approve, boolean readOnly, OffsetDateTime now) {
        db.insertInto(CONNECTOR_TOOL)
                .set(CONNECTOR_TOOL.READ_ONLY, readOnly)
                .set(CONNECTOR_TOOL.CONNECTOR_ID, connectorId.value())
                .set(CONNECTOR_TOOL.NAME, definition.name())
                .set(CONNECTOR_TOOL.ORG_ID, orgId)
                .set(CONNECTOR_TOOL.POLICY, policy.name())
                .set(CONNECTOR_TOOL.APPROVED_FINGERPRINT, approve ? definition.fingerprint() : null)
                .set(CONNECTOR_TOOL.APPROVED_DEFINITION, approve ? json(definition) : null)
                .set(CONNECTOR_TOOL.PENDING_FINGERPRINT, approve ? null : definition.fingerprint())
                .set(CONNECTOR_TOOL.PENDING_DEFINITION, approve ? null : json(definition))
                .set(CONNECTOR_TOOL.PENDING_SINCE, approve ? null : now)
                .set(CONNECTOR_TOOL.FIRST_SEEN_AT, now)
                .set(CONNECTOR_TOOL.LAST_SEEN_AT, now)
                .set(CONNECTOR_TOOL.UPDATED_AT, now)
                .execute();
    }

    /** Notes the server's read-only hint as listed now. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void setReadOnly(ConnectorId connectorId, String name, boolean readOnly, OffsetDateTime now) {
        db.update(CONNECTOR_TOOL)
                .set(CONNECTOR_TOOL.READ_ONLY, readOnly)
                .set(CONNECTOR_TOOL.UPDATED_AT, now)
                .where(CONNECTOR_TOOL.CONNECTOR_ID.eq(connectorId.value()).and(CONNECTOR_TOOL.NAME.eq(name)))
                .execute();
    }

    /** Holds a new or changed definition for review (null clears it: the server is back to the pinned one). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void hold(ConnectorId connectorId, String name, ToolDefinition pending, OffsetDateTime now) {
        db.update(CONNECTOR_TOOL)
                .set(CONNECTOR_TOOL.PENDING_FINGERPRINT, pending == null ? null : pending.fingerprint())
                .set(CONNECTOR_TOOL.PENDING_DEFINITION, pending == null ? null : json(pending))
                .set(CONNECTOR_TOOL.PENDING_SINCE, pending == null ? null : now)
                .set(CONNECTOR_TOOL.LAST_SEEN_AT, now)
                .set(CONNECTOR_TOOL.UPDATED_AT, now)
                .set(CONNECTOR_TOOL.VERSION, CONNECTOR_TOOL.VERSION.plus(1))
                .where(CONNECTOR_TOOL.CONNECTOR_ID.eq(connectorId.value()).and(CONNECTOR_TOOL.NAME.eq(name)))
                .execute();
    }

    /** Pins the pending definition, if the row is still at {@code version}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean approve(OrganizationId orgId, ConnectorId connectorId, String name, int version,
            OffsetDateTime now) {
        return db.update(CONNECTOR_TOOL)
                .set(CONNECTOR_TOOL.APPROVED_FINGERPRINT, CONNECTOR_TOOL.PENDING_FINGERPRINT)
                .set(CONNECTOR_TOOL.APPROVED_DEFINITION, CONNECTOR_TOOL.PENDING_DEFINITION)
                .setNull(CONNECTOR_TOOL.PENDING_FINGERPRINT)
                .setNull(CONNECTOR_TOOL.PENDING_DEFINITION)
                .setNull(CONNECTOR_TOOL.PENDING_SINCE)
                .set(CONNECTOR_TOOL.UPDATED_AT, now)
                .set(CONNECTOR_TOOL.VERSION, CONNECTOR_TOOL.VERSION.plus(1))
                .where(key(orgId, connectorId, name).and(CONNECTOR_TOOL.VERSION.eq(version))
                        .and(CONNECTOR_TOOL.PENDING_FINGERPRINT.isNotNull()))
                .execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setPolicy(OrganizationId orgId, ConnectorId connectorId, String name, ToolPolicy policy,
            int version, OffsetDateTime now) {
        return db.update(CONNECTOR_TOOL)
                .set(CONNECTOR_TOOL.POLICY, policy.name())
                .set(CONNECTOR_TOOL.UPDATED_AT, now)
                .set(CONNECTOR_TOOL.VERSION, CONNECTOR_TOOL.VERSION.plus(1))
                .where(key(orgId, connectorId, name).and(CONNECTOR_TOOL.VERSION.eq(version)))
                .execute() == 1;
    }

    public ToolSettings settings(OrganizationId orgId) {
        return db.selectFrom(TOOL_SETTINGS).where(TOOL_SETTINGS.ORG_ID.eq(orgId))
                .fetchOptional(r -> new ToolSettings(ToolSettings.NewTools.valueOf(r.getNewTools()),
                        r.getRecordPayloads(), r.getVersion()))
                .orElse(ToolSettings.DEFAULT);
    }

    /** Saves the settings if still at {@code version} (-1: none saved yet). */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean saveSettings(OrganizationId orgId, ToolSettings settings, int version, OffsetDateTime now) {
        if (version < 0) {
            return db.insertInto(TOOL_SETTINGS)
                    .set(TOOL_SETTINGS.ORG_ID, orgId)
                    .set(TOOL_SETTINGS.NEW_TOOLS, settings.newTools().name())
                    .set(TOOL_SETTINGS.RECORD_PAYLOADS, settings.recordPayloads())
                    .set(TOOL_SETTINGS.UPDATED_AT, now)
                    .onConflictDoNothing()
                    .execute() == 1;
        }
        return db.update(TOOL_SETTINGS)
                .set(TOOL_SETTINGS.NEW_TOOLS, settings.newTools().name())
                .set(TOOL_SETTINGS.RECORD_PAYLOADS, settings.recordPayloads())
                .set(TOOL_SETTINGS.UPDATED_AT, now)
                .set(TOOL_SETTINGS.VERSION, TOOL_SETTINGS.VERSION.plus(1))
                .where(TOOL_SETTINGS.ORG_ID.eq(orgId).and(TOOL_SETTINGS.VERSION.eq(version)))
                .execute() == 1;
    }

    private static org.jooq.Condition key(OrganizationId orgId, ConnectorId connectorId, String name) {
        return CONNECTOR_TOOL.ORG_ID.eq(orgId).and(CONNECTOR_TOOL.CONNECTOR_ID.eq(connectorId.value()))
                .and(CONNECTOR_TOOL.NAME.eq(name));
    }

    private static JSONB json(ToolDefinition definition) {
        return JSONB.valueOf(JSON.writeValueAsString(definition));
    }

    private static ToolDefinition definition(JSONB json) {
        return json == null ? null : JSON.readValue(json.data(), ToolDefinition.class);
    }

    private static ConnectorTool toTool(ConnectorToolRecord r) {
        return new ConnectorTool(new ConnectorId(r.getConnectorId()), r.getName(), ToolPolicy.valueOf(r.getPolicy()),
                definition(r.getApprovedDefinition()), definition(r.getPendingDefinition()),
                r.getPendingSince() == null ? null : r.getPendingSince().toInstant(), r.getFirstSeenAt().toInstant(),
                r.getVersion(), r.getReadOnly());
    }
}
