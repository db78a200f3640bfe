package org.connectorconsole.connector.internal;

import static org.connectorconsole.db.Tables.CONNECTOR;
import static org.connectorconsole.db.Tables.CONNECTOR_GROUP;
import static org.connectorconsole.db.Tables.CONNECTOR_TOOL;
import static org.connectorconsole.db.Tables.GROUP_GRANT;
import static org.connectorconsole.db.Tables.GROUP_MEMBER;
import static org.connectorconsole.db.Tables.MEMBER_GROUP;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.RenderedOnce;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolAccessRules.ConnectorRules;
import org.connectorconsole.connector.ToolAccessRules.Grant;
import org.connectorconsole.connector.ToolAccessRules.ToolRules;
import org.connectorconsole.connector.ToolPolicy;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * What deciding a member's effective tools reads (three queries whatever the numbers of connectors, tools and
 * groups: the connectors with the member's place in their audience, the grants of the member's groups, the tools),
 * and the owners' access settings of a connector. Every query is scoped by organization.
 */
@Repository
public class AccessRepository {

    /** Everything {@code ToolAccessRules.decide} needs about one member, for some or all connectors. */
    public record MemberRows(Map<ConnectorId, ConnectorRules> connectors, Map<ConnectorId, List<Grant>> grants,
            Map<ConnectorId, Map<String, ToolRules>> tools) {
    }

    /** A connector's access settings as owners set them. */
    public record Settings(boolean everyone, Set<UUID> groups, ToolPolicy ceiling, ToolPolicy everyoneMode,
            boolean readOnlyAllowed, int version) {
    }

    /** A group's grant as stored, with the group's name. */
    public record StoredGrant(UUID groupId, String groupName, String tool, ToolPolicy mode) {
    }

    private static final ConnectorTool.Review[] REVIEWS = {ConnectorTool.Review.APPROVED, ConnectorTool.Review.NEW,
            ConnectorTool.Review.CHANGED};

    private final DSLContext db;

    AccessRepository(DSLContext db) {
        this.db = db;
    }

    /** The member's rows for every connector of the organization ({@code only} null) or for one. */
    public MemberRows memberRows(OrganizationId orgId, UserId userId, ConnectorId only) {
        Condition connectorScope = only == null ? DSL.noCondition() : CONNECTOR.ID.eq(only.value());
        Field<Boolean> inAudience = DSL.field(DSL.exists(DSL.selectOne().from(CONNECTOR_GROUP)
                .join(GROUP_MEMBER).on(GROUP_MEMBER.GROUP_ID.eq(CONNECTOR_GROUP.GROUP_ID))
                .where(CONNECTOR_GROUP.CONNECTOR_ID.eq(CONNECTOR.ID)
                        .and(GROUP_MEMBER.ORG_ID.eq(orgId)).and(GROUP_MEMBER.USER_ID.eq(userId)))));
        Map<ConnectorId, ConnectorRules> connectors = new LinkedHashMap<>();
        db.select(CONNECTOR.ID, CONNECTOR.NAME, CONNECTOR.ENABLED, CONNECTOR.AUDIENCE, CONNECTOR.CEILING,
                        CONNECTOR.EVERYONE_MODE, CONNECTOR.READ_ONLY_ALLOWED,
                        DSL.when(CONNECTOR.AUDIENCE.eq("EVERYONE"), DSL.inline(true)).otherwise(inAudience))
                .from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(connectorScope))
                .fetch().forEach(r -> {
                    ConnectorId id = new ConnectorId(r.value1());
                    connectors.put(id, new ConnectorRules(id, r.value2(), r.value3(), "EVERYONE".equals(r.value4()),
                            Boolean.TRUE.equals(r.value8()), ToolPolicy.valueOf(r.value5()),
                            ToolPolicy.valueOf(r.value6()), r.value7()));
                });
        Map<ConnectorId, List<Grant>> grants = new HashMap<>();
        db.select(GROUP_GRANT.CONNECTOR_ID, MEMBER_GROUP.NAME, GROUP_GRANT.TOOL_NAME, GROUP_GRANT.MODE)
                .from(GROUP_MEMBER)
                .join(GROUP_GRANT).on(GROUP_GRANT.GROUP_ID.eq(GROUP_MEMBER.GROUP_ID))
                .join(MEMBER_GROUP).on(MEMBER_GROUP.ID.eq(GROUP_MEMBER.GROUP_ID))
                .where(GROUP_MEMBER.ORG_ID.eq(orgId).and(GROUP_MEMBER.USER_ID.eq(userId))
                        .and(only == null ? DSL.noCondition() : GROUP_GRANT.CONNECTOR_ID.eq(only.value())))
                // the same order as memberRowsFor's arrays: equal names ignoring case give the same reason there
                .orderBy(DSL.lower(MEMBER_GROUP.NAME), MEMBER_GROUP.ID, GROUP_GRANT.TOOL_NAME)
                .fetch().forEach(r -> grants.computeIfAbsent(new ConnectorId(r.value1()), k -> new ArrayList<>())
                        .add(new Grant(r.value2(), r.value3(), ToolPolicy.valueOf(r.value4()))));
        // one row per connector (its tools as parallel arrays, aggregated over the same rows in the same order):
        // far fewer rows to map than one per tool
        Map<ConnectorId, Map<String, ToolRules>> tools = new HashMap<>();
        Field<Integer> review = DSL.when(CONNECTOR_TOOL.PENDING_FINGERPRINT.isNull(), DSL.inline(0))
                .when(CONNECTOR_TOOL.APPROVED_FINGERPRINT.isNull(), DSL.inline(1)).otherwise(DSL.inline(2));
        db.select(CONNECTOR_TOOL.CONNECTOR_ID, DSL.arrayAgg(CONNECTOR_TOOL.NAME),
                        DSL.arrayAgg(CONNECTOR_TOOL.POLICY), DSL.arrayAgg(CONNECTOR_TOOL.READ_ONLY),
                        DSL.arrayAgg(review))
                .from(CONNECTOR_TOOL)
                .where(CONNECTOR_TOOL.ORG_ID.eq(orgId)
                        .and(only == null ? DSL.noCondition() : CONNECTOR_TOOL.CONNECTOR_ID.eq(only.value())))
                .groupBy(CONNECTOR_TOOL.CONNECTOR_ID)
                .fetch().forEach(r -> {
                    String[] names = r.value2();
                    String[] policies = r.value3();
                    Boolean[] readOnly = r.value4();
                    Integer[] reviews = r.value5();
                    Map<String, ToolRules> byName = new java.util.TreeMap<>();
                    for (int i = 0; i < names.length; i++) {
                        byName.put(names[i], new ToolRules(names[i], ToolPolicy.valueOf(policies[i]),
                                Boolean.TRUE.equals(readOnly[i]), REVIEWS[reviews[i]]));
                    }
                    tools.put(new ConnectorId(r.value1()), byName);
                });
        return new MemberRows(connectors, grants, tools);
    }

    /** Markers the one-statement standing is rendered with (decision 0072); never an id of anything. */
    private static final UUID ORG_MARKER = new UUID(0x0c0c0c0c0c0c0c0cL, 1);
    private static final UUID USER_MARKER = new UUID(0x0c0c0c0c0c0c0c0cL, 2);
    private static final UUID CONNECTOR_MARKER = new UUID(0x0c0c0c0c0c0c0c0cL, 3);
    /** The one-statement standing, rendered once (its shape never depends on the arguments). */
    private volatile RenderedOnce standing;

    /**
     * The member's rows for one connector in <b>one</b> statement (decision 0072): the connector with the member's
     * place in its audience, the member's groups' grants and the connector's tools as ordered arrays in scalar
     * subqueries. The same rows as {@code memberRows(orgId, userId, connectorId)} (its three statements), read in
     * one snapshot, in one round trip and without a transaction of its own; its SQL rendered once per JVM
     * ({@link RenderedOnce}), since every tool call reads it three times. A connector not in the organization:
     * empty rows.
     */
    public MemberRows memberRowsFor(OrganizationId orgId, UserId userId, ConnectorId connectorId) {
        RenderedOnce once = standing;
        if (once == null) {
            once = new RenderedOnce(db, standingQuery(new OrganizationId(ORG_MARKER), new UserId(USER_MARKER),
                    new ConnectorId(CONNECTOR_MARKER)), ORG_MARKER, USER_MARKER, CONNECTOR_MARKER);
            standing = once;
        }
        return once.query(db, AccessRepository::standingRows, orgId.value(), userId.value(), connectorId.value());
    }

    private static org.jooq.Select<?> standingQuery(OrganizationId orgId, UserId userId, ConnectorId connectorId) {
        Field<Boolean> inAudience = DSL.field(DSL.exists(DSL.selectOne().from(CONNECTOR_GROUP)
                .join(GROUP_MEMBER).on(GROUP_MEMBER.GROUP_ID.eq(CONNECTOR_GROUP.GROUP_ID))
                .where(CONNECTOR_GROUP.CONNECTOR_ID.eq(CONNECTOR.ID)
                        .and(GROUP_MEMBER.ORG_ID.eq(orgId)).and(GROUP_MEMBER.USER_ID.eq(userId)))));
        // the grants: one array per column, all in the same total order (group name, group, tool)
        Condition grantScope = GROUP_MEMBER.ORG_ID.eq(orgId).and(GROUP_MEMBER.USER_ID.eq(userId))
                .and(GROUP_GRANT.CONNECTOR_ID.eq(CONNECTOR.ID));
        List<org.jooq.OrderField<?>> grantOrder = List.of(DSL.lower(MEMBER_GROUP.NAME), MEMBER_GROUP.ID,
                GROUP_GRANT.TOOL_NAME);
        // the tools: one array per column, all ordered by the tool's name (unique per connector)
        Condition toolScope = CONNECTOR_TOOL.ORG_ID.eq(orgId).and(CONNECTOR_TOOL.CONNECTOR_ID.eq(CONNECTOR.ID));
        Field<Integer> review = DSL.when(CONNECTOR_TOOL.PENDING_FINGERPRINT.isNull(), DSL.inline(0))
                .when(CONNECTOR_TOOL.APPROVED_FINGERPRINT.isNull(), DSL.inline(1)).otherwise(DSL.inline(2));
        return DSL.select(CONNECTOR.ID, CONNECTOR.NAME, CONNECTOR.ENABLED, CONNECTOR.AUDIENCE, CONNECTOR.CEILING,
                        CONNECTOR.EVERYONE_MODE, CONNECTOR.READ_ONLY_ALLOWED,
                        DSL.when(CONNECTOR.AUDIENCE.eq("EVERYONE"), DSL.inline(true)).otherwise(inAudience),
                        grantArray(MEMBER_GROUP.NAME, grantScope, grantOrder),
                        grantArray(GROUP_GRANT.TOOL_NAME, grantScope, grantOrder),
                        grantArray(GROUP_GRANT.MODE, grantScope, grantOrder),
                        toolArray(CONNECTOR_TOOL.NAME, toolScope), toolArray(CONNECTOR_TOOL.POLICY, toolScope),
                        toolArray(CONNECTOR_TOOL.READ_ONLY, toolScope), toolArray(review, toolScope))
                .from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(connectorId.value())));
    }

    /** The one row of {@link #standingQuery}, read by position. */
    private static MemberRows standingRows(java.sql.ResultSet row) throws java.sql.SQLException {
        Map<ConnectorId, ConnectorRules> connectors = new LinkedHashMap<>();
        Map<ConnectorId, List<Grant>> grants = new HashMap<>();
        Map<ConnectorId, Map<String, ToolRules>> tools = new HashMap<>();
        if (!row.next()) {
            return new MemberRows(connectors, grants, tools);
        }
        ConnectorId id = new ConnectorId(row.getObject(1, UUID.class));
        connectors.put(id, new ConnectorRules(id, row.getString(2), row.getBoolean(3),
                "EVERYONE".equals(row.getString(4)), row.getBoolean(8), ToolPolicy.valueOf(row.getString(5)),
                ToolPolicy.valueOf(row.getString(6)), row.getBoolean(7)));
        Object[] groups = array(row, 9);
        if (groups != null) {
            Object[] grantTools = array(row, 10);
            Object[] modes = array(row, 11);
            List<Grant> list = new ArrayList<>(groups.length);
            for (int i = 0; i < groups.length; i++) {
                list.add(new Grant((String) groups[i], (String) grantTools[i],
                        ToolPolicy.valueOf((String) modes[i])));
            }
            grants.put(id, list);
        }
        Object[] names = array(row, 12);
        if (names != null) {
            Object[] policies = array(row, 13);
            Object[] readOnly = array(row, 14);
            Object[] reviews = array(row, 15);
            Map<String, ToolRules> byName = new java.util.TreeMap<>();
            for (int i = 0; i < names.length; i++) {
                byName.put((String) names[i], new ToolRules((String) names[i],
                        ToolPolicy.valueOf((String) policies[i]), Boolean.TRUE.equals(readOnly[i]),
                        REVIEWS[((Number) reviews[i]).intValue()]));
            }
            tools.put(id, byName);
        }
        return new MemberRows(connectors, grants, tools);
    }

    private static Object[] array(java.sql.ResultSet row, int column) throws java.sql.SQLException {
        java.sql.Array array = row.getArray(column);
        return array == null ? null : (Object[]) array.getArray();
    }

    private static <T> Field<T[]> grantArray(Field<T> column, Condition scope, List<org.jooq.OrderField<?>> order) {
        return DSL.field(DSL.select(DSL.arrayAgg(column).orderBy(order)).from(GROUP_MEMBER)
                .join(GROUP_GRANT).on(GROUP_GRANT.GROUP_ID.eq(GROUP_MEMBER.GROUP_ID))
                .join(MEMBER_GROUP).on(MEMBER_GROUP.ID.eq(GROUP_MEMBER.GROUP_ID))
                .where(scope));
    }

    private static <T> Field<T[]> toolArray(Field<T> column, Condition scope) {
        return DSL.field(DSL.select(DSL.arrayAgg(column).orderBy(CONNECTOR_TOOL.NAME)).from(CONNECTOR_TOOL)
                .where(scope));
    }

    // ---- owners' settings

    public Optional<Settings> settings(OrganizationId orgId, ConnectorId id) {
        var row = db.select(CONNECTOR.AUDIENCE, CONNECTOR.CEILING, CONNECTOR.EVERYONE_MODE,
                CONNECTOR.READ_ONLY_ALLOWED, CONNECTOR.VERSION).from(CONNECTOR)
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value()))).fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        Set<UUID> groups = db.select(CONNECTOR_GROUP.GROUP_ID).from(CONNECTOR_GROUP)
                .where(CONNECTOR_GROUP.ORG_ID.eq(orgId).and(CONNECTOR_GROUP.CONNECTOR_ID.eq(id.value())))
                .fetchSet(r -> r.value1());
        return Optional.of(new Settings("EVERYONE".equals(row.value1()), groups, ToolPolicy.valueOf(row.value2()),
                ToolPolicy.valueOf(row.value3()), row.value4(), row.value5()));
    }

    public List<StoredGrant> grants(OrganizationId orgId, ConnectorId id) {
        return db.select(GROUP_GRANT.GROUP_ID, MEMBER_GROUP.NAME, GROUP_GRANT.TOOL_NAME, GROUP_GRANT.MODE)
                .from(GROUP_GRANT).join(MEMBER_GROUP).on(MEMBER_GROUP.ID.eq(GROUP_GRANT.GROUP_ID))
                .where(GROUP_GRANT.ORG_ID.eq(orgId).and(GROUP_GRANT.CONNECTOR_ID.eq(id.value())))
                .orderBy(DSL.lower(MEMBER_GROUP.NAME), GROUP_GRANT.TOOL_NAME)
                .fetch(r -> new StoredGrant(r.value1(), r.value2(), r.value3(), ToolPolicy.valueOf(r.value4())));
    }

    /** Sets who may use the connector (everyone, or the groups given), if still at {@code version}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setAudience(OrganizationId orgId, ConnectorId id, boolean everyone, Set<UUID> groups,
            int version, OffsetDateTime now) {
        int updated = db.update(CONNECTOR)
                .set(CONNECTOR.AUDIENCE, everyone ? "EVERYONE" : "GROUPS")
                .set(CONNECTOR.UPDATED_AT, now)
                .set(CONNECTOR.VERSION, CONNECTOR.VERSION.plus(1))
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value())).and(CONNECTOR.VERSION.eq(version)))
                .execute();
        if (updated != 1) {
            return false;
        }
        db.deleteFrom(CONNECTOR_GROUP).where(CONNECTOR_GROUP.ORG_ID.eq(orgId)
                .and(CONNECTOR_GROUP.CONNECTOR_ID.eq(id.value()))).execute();
        if (!everyone) {
            for (UUID group : groups) {
                db.insertInto(CONNECTOR_GROUP).set(CONNECTOR_GROUP.ORG_ID, orgId)
                        .set(CONNECTOR_GROUP.CONNECTOR_ID, id.value()).set(CONNECTOR_GROUP.GROUP_ID, group).execute();
            }
        }
        return true;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setRules(OrganizationId orgId, ConnectorId id, ToolPolicy ceiling, ToolPolicy everyoneMode,
            boolean readOnlyAllowed, int version, OffsetDateTime now) {
        return db.update(CONNECTOR)
                .set(CONNECTOR.CEILING, ceiling.name())
                .set(CONNECTOR.EVERYONE_MODE, everyoneMode.name())
                .set(CONNECTOR.READ_ONLY_ALLOWED, readOnlyAllowed)
                .set(CONNECTOR.UPDATED_AT, now)
                .set(CONNECTOR.VERSION, CONNECTOR.VERSION.plus(1))
                .where(CONNECTOR.ORG_ID.eq(orgId).and(CONNECTOR.ID.eq(id.value())).and(CONNECTOR.VERSION.eq(version)))
                .execute() == 1;
    }

    /** Sets (mode) or clears (null) a group's grant for the connector ({@code tool} "") or one tool. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void setGrant(OrganizationId orgId, ConnectorId id, UUID groupId, String tool, ToolPolicy mode,
            OffsetDateTime now) {
        if (mode == null) {
            db.deleteFrom(GROUP_GRANT).where(GROUP_GRANT.ORG_ID.eq(orgId).and(GROUP_GRANT.CONNECTOR_ID.eq(id.value()))
                    .and(GROUP_GRANT.GROUP_ID.eq(groupId)).and(GROUP_GRANT.TOOL_NAME.eq(tool))).execute();
            return;
        }
        db.insertInto(GROUP_GRANT)
                .set(GROUP_GRANT.ORG_ID, orgId)
                .set(GROUP_GRANT.CONNECTOR_ID, id.value())
                .set(GROUP_GRANT.GROUP_ID, groupId)
                .set(GROUP_GRANT.TOOL_NAME, tool)
                .set(GROUP_GRANT.MODE, mode.name())
                .set(GROUP_GRANT.UPDATED_AT, now)
                .onConflict(GROUP_GRANT.CONNECTOR_ID, GROUP_GRANT.GROUP_ID, GROUP_GRANT.TOOL_NAME)
                .doUpdate().set(GROUP_GRANT.MODE, mode.name()).set(GROUP_GRANT.UPDATED_AT, now)
                .execute();
    }
}
