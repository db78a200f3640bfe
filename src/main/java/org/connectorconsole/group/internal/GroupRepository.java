package org.connectorconsole.group.internal;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.GROUP_MEMBER;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.MEMBER_GROUP;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupId;
import org.connectorconsole.group.GroupMember;
import org.connectorconsole.group.GroupSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Groups and their members; every query is scoped by organization. */
@Repository
public class GroupRepository {

    /** At most this many groups are listed at once (an organization has a few hundred at most). */
    public static final int MAX_LISTED = 1000;

    private static final Field<Integer> MEMBER_COUNT = DSL.field(DSL.selectCount().from(GROUP_MEMBER)
            .where(GROUP_MEMBER.GROUP_ID.eq(MEMBER_GROUP.ID))).as("member_count");

    private final DSLContext db;

    GroupRepository(DSLContext db) {
        this.db = db;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insert(GroupId id, OrganizationId orgId, String name, GroupSource source, String externalId,
            OffsetDateTime now) {
        db.insertInto(MEMBER_GROUP)
                .set(MEMBER_GROUP.ID, id.value())
                .set(MEMBER_GROUP.ORG_ID, orgId)
                .set(MEMBER_GROUP.NAME, name)
                .set(MEMBER_GROUP.SOURCE, source.name())
                .set(MEMBER_GROUP.EXTERNAL_ID, externalId)
                .set(MEMBER_GROUP.CREATED_AT, now)
                .set(MEMBER_GROUP.UPDATED_AT, now)
                .execute();
    }

    /** The organization's groups by name, with their member counts. */
    public List<Group> list(OrganizationId orgId) {
        return db.select(MEMBER_GROUP.asterisk(), MEMBER_COUNT).from(MEMBER_GROUP)
                .where(MEMBER_GROUP.ORG_ID.eq(orgId))
                .orderBy(DSL.lower(MEMBER_GROUP.NAME), MEMBER_GROUP.ID)
                .limit(MAX_LISTED)
                .fetch(GroupRepository::group);
    }

    public Optional<Group> find(OrganizationId orgId, GroupId id) {
        return db.select(MEMBER_GROUP.asterisk(), MEMBER_COUNT).from(MEMBER_GROUP)
                .where(MEMBER_GROUP.ORG_ID.eq(orgId).and(MEMBER_GROUP.ID.eq(id.value())))
                .fetchOptional(GroupRepository::group);
    }

    /** The group, its row locked until the transaction ends (changes to one group take turns). */
    public Optional<Group> lock(OrganizationId orgId, GroupId id) {
        db.select(MEMBER_GROUP.ID).from(MEMBER_GROUP)
                .where(MEMBER_GROUP.ORG_ID.eq(orgId).and(MEMBER_GROUP.ID.eq(id.value()))).forUpdate().fetch();
        return find(orgId, id);
    }

    public Optional<Group> findByExternalId(OrganizationId orgId, GroupSource source, String externalId) {
        return db.select(MEMBER_GROUP.asterisk(), MEMBER_COUNT).from(MEMBER_GROUP)
                .where(MEMBER_GROUP.ORG_ID.eq(orgId).and(MEMBER_GROUP.SOURCE.eq(source.name()))
                        .and(MEMBER_GROUP.EXTERNAL_ID.eq(externalId)))
                .fetchOptional(GroupRepository::group);
    }

    /** Whether another group of the organization has this name, ignoring case. */
    public boolean nameTaken(OrganizationId orgId, String name, GroupId except) {
        return db.fetchExists(MEMBER_GROUP, MEMBER_GROUP.ORG_ID.eq(orgId)
                .and(DSL.lower(MEMBER_GROUP.NAME).eq(name.toLowerCase(java.util.Locale.ROOT)))
                .and(except == null ? DSL.noCondition() : MEMBER_GROUP.ID.ne(except.value())));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean rename(OrganizationId orgId, GroupId id, String name, int expectedVersion, OffsetDateTime now) {
        return db.update(MEMBER_GROUP)
                .set(MEMBER_GROUP.NAME, name)
                .set(MEMBER_GROUP.UPDATED_AT, now)
                .set(MEMBER_GROUP.VERSION, MEMBER_GROUP.VERSION.plus(1))
                .where(MEMBER_GROUP.ORG_ID.eq(orgId).and(MEMBER_GROUP.ID.eq(id.value()))
                        .and(MEMBER_GROUP.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean delete(OrganizationId orgId, GroupId id) {
        return db.deleteFrom(MEMBER_GROUP)
                .where(MEMBER_GROUP.ORG_ID.eq(orgId).and(MEMBER_GROUP.ID.eq(id.value())))
                .execute() == 1;
    }

    /** Adds a member of the organization; false when they were in the group already. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean addMember(OrganizationId orgId, GroupId id, UserId userId, OffsetDateTime now) {
        return db.insertInto(GROUP_MEMBER)
                .set(GROUP_MEMBER.ORG_ID, orgId)
                .set(GROUP_MEMBER.GROUP_ID, id.value())
                .set(GROUP_MEMBER.USER_ID, userId)
                .set(GROUP_MEMBER.ADDED_AT, now)
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean removeMember(OrganizationId orgId, GroupId id, UserId userId) {
        return db.deleteFrom(GROUP_MEMBER)
                .where(GROUP_MEMBER.ORG_ID.eq(orgId).and(GROUP_MEMBER.GROUP_ID.eq(id.value()))
                        .and(GROUP_MEMBER.USER_ID.eq(userId)))
                .execute() == 1;
    }

    /** The group's members by name (at most {@code limit}). */
    public List<GroupMember> members(OrganizationId orgId, GroupId id, int limit) {
        return db.select(GROUP_MEMBER.USER_ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME, GROUP_MEMBER.ADDED_AT)
                .from(GROUP_MEMBER).join(APP_USER).on(APP_USER.ID.eq(GROUP_MEMBER.USER_ID))
                .where(GROUP_MEMBER.ORG_ID.eq(orgId).and(GROUP_MEMBER.GROUP_ID.eq(id.value())))
                .orderBy(DSL.lower(APP_USER.DISPLAY_NAME), APP_USER.EMAIL)
                .limit(limit)
                .fetch(r -> new GroupMember(r.value1(), r.value2(), r.value3(), r.value4().toInstant()));
    }

    /** The groups the member belongs to, by name. */
    public List<Group> groupsOf(OrganizationId orgId, UserId userId) {
        return db.select(MEMBER_GROUP.asterisk(), MEMBER_COUNT).from(MEMBER_GROUP)
                .join(GROUP_MEMBER).on(GROUP_MEMBER.GROUP_ID.eq(MEMBER_GROUP.ID))
                .where(GROUP_MEMBER.ORG_ID.eq(orgId).and(GROUP_MEMBER.USER_ID.eq(userId)))
                .orderBy(DSL.lower(MEMBER_GROUP.NAME), MEMBER_GROUP.ID)
                .fetch(GroupRepository::group);
    }

    /** The ids of the member's groups (deciding what they may use). */
    public Set<GroupId> groupIdsOf(OrganizationId orgId, UserId userId) {
        return db.select(GROUP_MEMBER.GROUP_ID).from(GROUP_MEMBER)
                .where(GROUP_MEMBER.ORG_ID.eq(orgId).and(GROUP_MEMBER.USER_ID.eq(userId)))
                .fetchSet(r -> new GroupId(r.value1()));
    }

    /** Which of these ids are groups of the organization. */
    public Set<GroupId> existing(OrganizationId orgId, Collection<GroupId> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return db.select(MEMBER_GROUP.ID).from(MEMBER_GROUP)
                .where(MEMBER_GROUP.ORG_ID.eq(orgId)
                        .and(MEMBER_GROUP.ID.in(ids.stream().map(GroupId::value).collect(Collectors.toSet()))))
                .fetchSet(r -> new GroupId(r.value1()));
    }

    /** Whether the person is a member of the organization (only they can join its groups). */
    public boolean isMember(OrganizationId orgId, UserId userId) {
        return db.fetchExists(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)));
    }

    /** The e-mail address of a member of the organization (for the audit log), if they are one. */
    public Optional<String> memberEmail(OrganizationId orgId, UserId userId) {
        return db.select(APP_USER.EMAIL).from(MEMBERSHIP).join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)))
                .fetchOptional(r -> r.value1());
    }

    private static Group group(Record r) {
        return new Group(new GroupId(r.get(MEMBER_GROUP.ID)), r.get(MEMBER_GROUP.NAME),
                GroupSource.valueOf(r.get(MEMBER_GROUP.SOURCE)), r.get(MEMBER_GROUP.EXTERNAL_ID),
                r.get(MEMBER_COUNT), r.get(MEMBER_GROUP.CREATED_AT).toInstant(), r.get(MEMBER_GROUP.VERSION));
    }

    static UUID value(GroupId id) {
        return id.value();
    }
}
