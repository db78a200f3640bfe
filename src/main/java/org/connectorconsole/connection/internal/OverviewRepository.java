package org.connectorconsole.connection.internal;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR;
import static org.connectorconsole.db.Tables.CONNECTOR_GROUP;
import static org.connectorconsole.db.Tables.GROUP_MEMBER;
import static org.connectorconsole.db.Tables.CONNECTOR_USE;
import static org.connectorconsole.db.Tables.CONNECTION_STATE_COUNT;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.RECONNECT_REQUEST;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connection.ConnectionOverview.Counts;
import org.connectorconsole.connection.ConnectionOverview.Cursor;
import org.connectorconsole.connection.ConnectionOverview.Filter;
import org.connectorconsole.connection.ConnectionOverview.Page;
import org.connectorconsole.connection.ConnectionOverview.Row;
import org.connectorconsole.connection.OverviewState;
import org.connectorconsole.connector.ConnectorId;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * Connector × member pairs of one organization with their connection, keyset-paged by (member e-mail, connector
 * name, connector id): a page costs the same at the start and deep into 10,000 members.
 */
@Repository
public class OverviewRepository {

    private final DSLContext db;

    OverviewRepository(DSLContext db) {
        this.db = db;
    }

    public Page page(OrganizationId orgId, Filter filter, Cursor after, int limit) {
        List<Row> rows = rows(orgId, filter, after, limit + 1);
        Cursor next = null;
        if (rows.size() > limit) {
            rows.removeLast();
            Row last = rows.getLast();
            next = new Cursor(last.memberEmail(), last.connectorName(), last.connectorId().value());
        }
        return new Page(List.copyOf(rows), next);
    }

    /** Members are walked in address order a chunk at a time; the first chunk's size is guessed from the totals. */
    static final int MAX_MEMBER_CHUNK = 8192;

    /**
     * A state this rare (pairs² below {@value #RARE_FACTOR} × page × members) is read from the connection side
     * (every such connection, sorted) instead of walking members until the page is full.
     */
    static final long RARE_FACTOR = 4;

    private List<Row> rows(OrganizationId orgId, Filter filter, Cursor after, int need) {
        OverviewState state = filter.state();
        Totals totals = totals(orgId, filter);
        int chunk;
        if (state == null) {
            if (totals.connectors() == 0) {
                return new ArrayList<>();
            }
            // every member has a pair with each connector: a chunk this size fills the page
            chunk = (int) Math.min(MAX_MEMBER_CHUNK, Math.ceilDiv(need, totals.connectors()) + 1);
        } else {
            long matching = !state.stored()
                    ? totals.members() * totals.connectors() - totals.connections() : totals.connections();
            if (matching <= 0) {
                return new ArrayList<>();
            }
            boolean rare = matching * matching <= RARE_FACTOR * need * totals.members();
            if (state.stored() && rare) {
                return fromConnections(orgId, filter, after, need);
            }
            // members to walk for a page at this density, with a margin (the first chunk is usually the last)
            chunk = (int) Math.min(MAX_MEMBER_CHUNK, (long) Math.ceil(1.5 * need * totals.members() / matching) + 1);
        }
        List<Row> out = new ArrayList<>();
        String from = after == null ? null : after.memberEmail();
        boolean inclusive = true; // the cursor's member may have pairs left after the cursor's connector
        while (out.size() < need) {
            Chunk next = chunk(orgId, filter, after, from, inclusive, chunk, need - out.size());
            out.addAll(next.rows());
            if (next.members() < chunk) {
                break;
            }
            from = next.lastEmail();
            inclusive = false;
            chunk = Math.min(MAX_MEMBER_CHUNK, chunk * 4);
        }
        return out;
    }

    private record Totals(long members, long connectors, long connections) {
    }

    /**
     * In one round trip, from the kept counts: members (only for a state filter), enabled connectors and the
     * connections among them (of the filter's state and connector). Sizes the member chunks; zero ends early.
     */
    private Totals totals(OrganizationId orgId, Filter filter) {
        List<Object> binds = new ArrayList<>();
        String connectors = "c.org_id = ? and c.enabled" + openCondition(filter.state());
        binds.add(orgId.value());
        if (filter.connector() != null) {
            connectors += " and c.id = ?";
            binds.add(filter.connector().value());
        }
        String sql = "select (select count(*) from connector c where " + connectors + ")";
        if (filter.state() == null) {
            sql += ", 0, 0";
        } else {
            sql += ", (select count(*) from membership where org_id = ?)";
            binds.add(orgId.value());
            sql += ", (select coalesce(sum(s.n), 0) from connection_state_count s join connector c"
                    + " on c.id = s.connector_id where s.org_id = ? and " + connectors;
            binds.add(orgId.value());
            binds.add(orgId.value());
            if (filter.connector() != null) {
                binds.add(filter.connector().value());
            }
            if (filter.state().stored()) {
                sql += " and s.status = ?";
                binds.add(filter.state().name());
            }
            sql += ")";
        }
        Record r = db.fetchOne(sql, binds.toArray());
        return new Totals(r.get(1, Long.class), r.get(0, Long.class), r.get(2, Long.class));
    }

    /**
     * The member ({@code userColumn}) may use connector {@code c}: it is offered to everyone, or to a group they are
     * in (decision 0064: the overview shows only pairs of members who may use the connector).
     */
    static String mayUse(String userColumn) {
        return "(c.audience = 'EVERYONE' or exists (select 1 from connector_group cg join group_member gm"
                + " on gm.group_id = cg.group_id where cg.connector_id = c.id and gm.user_id = " + userColumn + "))";
    }

    /** The server answers without sign-in (its last check said so): pairs without a connection are "no sign-in". */
    static final String OPEN = "c.last_check_outcome = 'READY'";

    /** For the two states without a connection: only the connectors of that sign-in kind. */
    private static String openCondition(OverviewState state) {
        if (state == OverviewState.NO_SIGN_IN) {
            return " and " + OPEN;
        }
        if (state == OverviewState.NEVER_CONNECTED) {
            return " and not coalesce(" + OPEN + ", false)";
        }
        return "";
    }

    private static Condition memberFilter(Filter filter) {
        if (filter.member() == null || filter.member().isBlank()) {
            return DSL.noCondition();
        }
        String like = "%" + filter.member().strip().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                .replace("_", "\\_") + "%";
        return APP_USER.EMAIL.like(like, '\\').or(DSL.lower(APP_USER.DISPLAY_NAME).like(like, '\\'));
    }

    private static final String PAIR_COLUMNS = """
            u.id as user_id, u.display_name, u.email, p.connector_id, p.connector_name, p.connection_id, p.status,
            p.status_reason, p.scope, p.expires_at, greatest(p.last_used_at, cu.last_used_at) as last_used_at,
            rr.requested_at, p.last_check_outcome""";

    private record Chunk(List<Row> rows, int members, String lastEmail) {
    }

    /** The chunk's members in address order ({@code mem}), their binds appended to {@code binds}. */
    private static String membersSql(OrganizationId orgId, Filter filter, String from, boolean inclusive, int size,
            List<Object> binds) {
        StringBuilder members = new StringBuilder("""
                with mem as (
                  select u.id, u.email, u.display_name from membership m join app_user u on u.id = m.user_id
                   where m.org_id = ?""");
        binds.add(orgId.value());
        if (filter.member() != null && !filter.member().isBlank()) {
            String like = "%" + filter.member().strip().toLowerCase(Locale.ROOT).replace("!", "!!")
                    .replace("%", "!%").replace("_", "!_") + "%";
            members.append(" and (u.email like ? escape '!' or lower(u.display_name) like ? escape '!')");
            binds.add(like);
            binds.add(like);
        }
        if (from != null) {
            members.append(inclusive ? " and u.email >= ?" : " and u.email > ?");
            binds.add(from);
        }
        members.append(" order by u.email limit ?)");
        binds.add(size);
        return members.toString();
    }

    /** One member's pairs (the lateral query, at most {@code need}), their binds appended to {@code binds}. */
    private static String pairsOfOneMemberSql(OrganizationId orgId, Filter filter, Cursor after, int need,
            List<Object> binds) {
        OverviewState state = filter.state();
        String perMember;
        if (state != null && state.stored()) {
            perMember = """
                    select c.id as connector_id, c.name as connector_name, cn.id as connection_id, cn.status,
                           cn.status_reason, cn.scope, cn.expires_at, cn.last_used_at, c.last_check_outcome
                      from connection cn join connector c on c.id = cn.connector_id
                     where cn.org_id = ? and cn.user_id = u.id and cn.status = ? and c.enabled"""
                    + " and " + mayUse("u.id");
            binds.add(orgId.value());
            binds.add(state.name());
        } else {
            perMember = """
                    select c.id as connector_id, c.name as connector_name, cn.id as connection_id, cn.status,
                           cn.status_reason, cn.scope, cn.expires_at, cn.last_used_at, c.last_check_outcome
                      from connector c
                      left join connection cn on cn.connector_id = c.id and cn.user_id = u.id
                     where c.org_id = ? and c.enabled""" + " and " + mayUse("u.id") + (state == null ? ""
                    : " and cn.id is null" + openCondition(state));
            binds.add(orgId.value());
        }
        if (filter.connector() != null) {
            perMember += " and c.id = ?";
            binds.add(filter.connector().value());
        }
        if (after != null) {
            perMember += " and (u.email <> ? or (c.name, c.id) > (?, ?))";
            binds.add(after.memberEmail());
            binds.add(after.connectorName());
            binds.add(after.connectorId());
        }
        perMember += " order by c.name, c.id limit ?";
        binds.add(need);
        return perMember;
    }

    /**
     * One chunk of members in address order (from {@code from}, at most {@code size}) and their pairs, at most
     * {@code need}, in one statement: one small lateral query per member (its connections by the (org, user)
     * index, or the connectors by name), so the work grows with the chunk, never with the organization. Also
     * returns how many members the chunk had and the last one's address (where the next chunk starts).
     */
    private Chunk chunk(OrganizationId orgId, Filter filter, Cursor after, String from, boolean inclusive, int size,
            int need) {
        List<Object> binds = new ArrayList<>();
        String members = membersSql(orgId, filter, from, inclusive, size, binds);
        String perMember = pairsOfOneMemberSql(orgId, filter, after, need, binds);
        binds.add(need);
        String sql = members + """

                select s.chunk_size, s.chunk_last, x.*
                  from (select count(*) as chunk_size, max(mem.email) as chunk_last from mem) s
                  left join lateral (
                    select\s""" + PAIR_COLUMNS + """

                      from mem u
                     cross join lateral (
                """ + perMember + """

                     ) p
                      left join reconnect_request rr on rr.connector_id = p.connector_id and rr.user_id = u.id
                      left join connector_use cu on cu.connector_id = p.connector_id and cu.user_id = u.id
                     order by u.email, p.connector_name, p.connector_id
                     limit ?
                  ) x on true
                 order by x.email, x.connector_name, x.connector_id""";
        List<Row> rows = new ArrayList<>();
        int count = 0;
        String last = null;
        for (Record r : db.resultQuery(sql, binds.toArray()).fetch()) {
            count = r.get("chunk_size", Integer.class);
            last = r.get("chunk_last", String.class);
            if (r.get("user_id") != null) {
                rows.add(toRow(r));
            }
        }
        return new Chunk(rows, count, last);
    }

    /** A rare state: every connection in it (by the (org, status) index), sorted, from the cursor on. */
    private List<Row> fromConnections(OrganizationId orgId, Filter filter, Cursor after, int need) {
        Condition where = CONNECTION.ORG_ID.eq(orgId).and(CONNECTION.STATUS.eq(filter.state().name()))
                .and(CONNECTOR.ENABLED.isTrue()).and(memberFilter(filter))
                .and(CONNECTOR.AUDIENCE.eq(EVERYONE).or(DSL.exists(DSL.selectOne().from(CONNECTOR_GROUP)
                        .join(GROUP_MEMBER).on(GROUP_MEMBER.GROUP_ID.eq(CONNECTOR_GROUP.GROUP_ID))
                        .where(CONNECTOR_GROUP.CONNECTOR_ID.eq(CONNECTOR.ID)
                                .and(GROUP_MEMBER.USER_ID.eq(CONNECTION.USER_ID))))));
        if (filter.connector() != null) {
            where = where.and(CONNECTOR.ID.eq(filter.connector().value()));
        }
        if (after != null) {
            where = where.and(APP_USER.EMAIL.ge(after.memberEmail())).and(DSL.row(APP_USER.EMAIL, CONNECTOR.NAME,
                    CONNECTOR.ID).gt(after.memberEmail(), after.connectorName(), after.connectorId()));
        }
        return new ArrayList<>(db.select(APP_USER.ID.as("user_id"), APP_USER.DISPLAY_NAME, APP_USER.EMAIL,
                        CONNECTOR.ID.as("connector_id"), CONNECTOR.NAME.as("connector_name"),
                        CONNECTION.ID.as("connection_id"), CONNECTION.STATUS, CONNECTION.STATUS_REASON,
                        CONNECTION.SCOPE, CONNECTION.EXPIRES_AT,
                        DSL.greatest(CONNECTION.LAST_USED_AT, CONNECTOR_USE.LAST_USED_AT).as("last_used_at"),
                        RECONNECT_REQUEST.REQUESTED_AT, CONNECTOR.LAST_CHECK_OUTCOME)
                .from(CONNECTION)
                .join(MEMBERSHIP).on(MEMBERSHIP.ORG_ID.eq(CONNECTION.ORG_ID).and(MEMBERSHIP.USER_ID.eq(CONNECTION.USER_ID)))
                .join(APP_USER).on(APP_USER.ID.eq(CONNECTION.USER_ID))
                .join(CONNECTOR).on(CONNECTOR.ID.eq(CONNECTION.CONNECTOR_ID))
                .leftJoin(RECONNECT_REQUEST).on(RECONNECT_REQUEST.CONNECTOR_ID.eq(CONNECTOR.ID)
                        .and(RECONNECT_REQUEST.USER_ID.eq(APP_USER.ID)))
                .leftJoin(CONNECTOR_USE).on(CONNECTOR_USE.CONNECTOR_ID.eq(CONNECTOR.ID)
                        .and(CONNECTOR_USE.USER_ID.eq(APP_USER.ID)))
                .where(where)
                .orderBy(APP_USER.EMAIL, CONNECTOR.NAME, CONNECTOR.ID)
                .limit(need)
                .fetch(OverviewRepository::toRow));
    }

    /**
     * Totals per state. For connectors offered to everyone, from the counts the database keeps per connector and
     * state (V9's triggers, in the transaction of every change), so the cost grows with the connectors, not with the
     * pairs. For connectors offered only to groups, only their audience counts (decision 0064): the audience's size
     * and its connections are counted from the rows (group_member and connection by connector), so that cost grows
     * with those connectors' audiences.
     */
    public Counts counts(OrganizationId orgId) {
        Map<OverviewState, Long> byState = new EnumMap<>(OverviewState.class);
        long openConnections = 0;
        long otherConnections = 0;
        // inlined: the same expression is selected and grouped by
        var open = DSL.coalesce(CONNECTOR.LAST_CHECK_OUTCOME.eq(DSL.inline(READY)), DSL.inline(false));
        for (var r : db.select(CONNECTION_STATE_COUNT.STATUS, open,
                        DSL.sum(CONNECTION_STATE_COUNT.N).cast(Long.class))
                .from(CONNECTION_STATE_COUNT)
                .join(CONNECTOR).on(CONNECTOR.ID.eq(CONNECTION_STATE_COUNT.CONNECTOR_ID))
                .where(CONNECTION_STATE_COUNT.ORG_ID.eq(orgId).and(CONNECTOR.ENABLED.isTrue())
                        .and(CONNECTOR.AUDIENCE.eq(EVERYONE)))
                .groupBy(CONNECTION_STATE_COUNT.STATUS, open).fetch()) {
            byState.merge(OverviewState.valueOf(r.value1()), r.value3(), Long::sum);
            if (Boolean.TRUE.equals(r.value2())) {
                openConnections += r.value3();
            } else {
                otherConnections += r.value3();
            }
        }
        // connections of the members who may use a connector offered to groups
        for (Record r : db.fetch("""
                select cn.status, coalesce(c.last_check_outcome = 'READY', false), count(*)
                  from connection cn join connector c on c.id = cn.connector_id
                 where cn.org_id = ? and c.org_id = ? and c.enabled and c.audience = 'GROUPS'
                   and exists (select 1 from membership m where m.org_id = cn.org_id and m.user_id = cn.user_id)
                   and """ + mayUse("cn.user_id") + """

                 group by 1, 2""", orgId.value(), orgId.value())) {
            long n = r.get(2, Long.class);
            byState.merge(OverviewState.valueOf(r.get(0, String.class)), n, Long::sum);
            if (Boolean.TRUE.equals(r.get(1, Boolean.class))) {
                openConnections += n;
            } else {
                otherConnections += n;
            }
        }
        long members = db.fetchCount(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(orgId));
        // pairs: members × connectors offered to everyone, plus each group connector's audience
        long openPairs = 0;
        long otherPairs = 0;
        for (Record r : db.fetch("""
                select coalesce(c.last_check_outcome = 'READY', false),
                       case when c.audience = 'EVERYONE' then ?
                            else (select count(distinct gm.user_id) from connector_group cg
                                    join group_member gm on gm.group_id = cg.group_id
                                   where cg.connector_id = c.id) end
                  from connector c where c.org_id = ? and c.enabled""", members, orgId.value())) {
            long pairs = r.get(1, Long.class);
            if (Boolean.TRUE.equals(r.get(0, Boolean.class))) {
                openPairs += pairs;
            } else {
                otherPairs += pairs;
            }
        }
        byState.put(OverviewState.NO_SIGN_IN, openPairs - openConnections);
        byState.put(OverviewState.NEVER_CONNECTED, otherPairs - otherConnections);
        return new Counts(byState);
    }

    public boolean isMember(OrganizationId orgId, UserId userId) {
        return db.fetchExists(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)));
    }

    public void requestReconnect(OrganizationId orgId, ConnectorId connectorId, UserId userId, UserId by,
            OffsetDateTime now) {
        db.insertInto(RECONNECT_REQUEST)
                .set(RECONNECT_REQUEST.ORG_ID, orgId)
                .set(RECONNECT_REQUEST.CONNECTOR_ID, connectorId.value())
                .set(RECONNECT_REQUEST.USER_ID, userId)
                .set(RECONNECT_REQUEST.REQUESTED_BY, by)
                .set(RECONNECT_REQUEST.REQUESTED_AT, now)
                .onConflict(RECONNECT_REQUEST.CONNECTOR_ID, RECONNECT_REQUEST.USER_ID).doUpdate()
                .set(RECONNECT_REQUEST.REQUESTED_BY, by)
                .set(RECONNECT_REQUEST.REQUESTED_AT, now)
                .execute();
    }

    /** Open reconnect requests of the organization's members on its enabled connectors they may use. */
    public long openReconnectRequests(OrganizationId orgId) {
        return db.fetchCount(db.select(RECONNECT_REQUEST.CONNECTOR_ID).from(RECONNECT_REQUEST)
                .join(CONNECTOR).on(CONNECTOR.ID.eq(RECONNECT_REQUEST.CONNECTOR_ID))
                .join(MEMBERSHIP).on(MEMBERSHIP.ORG_ID.eq(RECONNECT_REQUEST.ORG_ID)
                        .and(MEMBERSHIP.USER_ID.eq(RECONNECT_REQUEST.USER_ID)))
                .where(RECONNECT_REQUEST.ORG_ID.eq(orgId).and(CONNECTOR.ENABLED.isTrue())
                        .and(CONNECTOR.AUDIENCE.eq(EVERYONE).or(DSL.exists(DSL.selectOne().from(CONNECTOR_GROUP)
                                .join(GROUP_MEMBER).on(GROUP_MEMBER.GROUP_ID.eq(CONNECTOR_GROUP.GROUP_ID))
                                .where(CONNECTOR_GROUP.CONNECTOR_ID.eq(CONNECTOR.ID)
                                        .and(GROUP_MEMBER.USER_ID.eq(RECONNECT_REQUEST.USER_ID))))))));
    }

    /** The member's open reconnect requests, by connector, with when they were made. */
    public Map<ConnectorId, Instant> reconnectRequests(OrganizationId orgId, UserId userId) {
        Map<ConnectorId, Instant> out = new java.util.LinkedHashMap<>();
        db.select(RECONNECT_REQUEST.CONNECTOR_ID, RECONNECT_REQUEST.REQUESTED_AT).from(RECONNECT_REQUEST)
                .where(RECONNECT_REQUEST.ORG_ID.eq(orgId).and(RECONNECT_REQUEST.USER_ID.eq(userId)))
                .forEach(r -> out.put(new ConnectorId(r.value1()), r.value2().toInstant()));
        return out;
    }

    /** A row's person: a UUID from the plain-SQL paths, already a {@link UserId} from jOOQ's (forced type). */
    private static UserId userId(Object value) {
        return value instanceof UserId id ? id : new UserId((UUID) value);
    }

    private static Row toRow(Record r) {
        String status = r.get("status", String.class);
        OverviewState state = r.get("connection_id") != null ? OverviewState.valueOf(status)
                : READY.equals(r.get("last_check_outcome", String.class)) ? OverviewState.NO_SIGN_IN
                : OverviewState.NEVER_CONNECTED;
        String scope = r.get("scope", String.class);
        return new Row(userId(r.get("user_id")), r.get("display_name", String.class),
                r.get("email", String.class), new ConnectorId(r.get("connector_id", UUID.class)),
                r.get("connector_name", String.class), state, r.get("status_reason", String.class),
                scope == null || scope.isBlank() ? java.util.Set.of()
                        : new java.util.TreeSet<>(java.util.Arrays.asList(scope.trim().split("\\s+"))),
                instant(r.get("expires_at", OffsetDateTime.class)),
                instant(r.get("last_used_at", OffsetDateTime.class)),
                instant(r.get("requested_at", OffsetDateTime.class)));
    }

    private static final String READY = "READY";
    private static final String EVERYONE = "EVERYONE";

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
