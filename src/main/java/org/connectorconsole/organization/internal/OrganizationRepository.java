package org.connectorconsole.organization.internal;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.ORGANIZATION;
import static org.connectorconsole.db.Tables.SETUP_CODE;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.MemberCounts;
import org.connectorconsole.organization.MemberSummary;
import org.connectorconsole.organization.Organization;
import org.connectorconsole.security.Role;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Organizations, their people and the first-time setup codes. Every query of a member is scoped by org. */
@Repository
public class OrganizationRepository {

    private static final long SETUP_LOCK_KEY = 0x636f6e736f6c65L; // "console"

    private final DSLContext db;

    OrganizationRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<Organization> organization(OrganizationId id) {
        return db.selectFrom(ORGANIZATION).where(ORGANIZATION.ID.eq(id)).fetchOptional()
                .map(r -> new Organization(r.getId(), r.getName(), Plan.valueOf(r.getPlan()),
                        r.getCreatedAt().toInstant(), r.getVersion()));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insertOrganization(OrganizationId id, String name, Plan plan, OffsetDateTime now) {
        db.insertInto(ORGANIZATION)
                .set(ORGANIZATION.ID, id)
                .set(ORGANIZATION.NAME, name)
                .set(ORGANIZATION.PLAN, plan.name())
                .set(ORGANIZATION.CREATED_AT, now)
                .execute();
    }

    public void insertUser(UserId id, String email, String displayName, String passwordHash, OffsetDateTime now) {
        db.insertInto(APP_USER)
                .set(APP_USER.ID, id)
                .set(APP_USER.EMAIL, email)
                .set(APP_USER.DISPLAY_NAME, displayName)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .set(APP_USER.CREATED_AT, now)
                .set(APP_USER.PASSWORD_CHANGED_AT, passwordHash == null ? null : now)
                .execute();
    }

    public void insertMembership(OrganizationId orgId, UserId userId, Role role, OffsetDateTime now) {
        db.insertInto(MEMBERSHIP)
                .set(MEMBERSHIP.ORG_ID, orgId)
                .set(MEMBERSHIP.USER_ID, userId)
                .set(MEMBERSHIP.ROLE, role.name())
                .set(MEMBERSHIP.CREATED_AT, now)
                .execute();
    }

    public boolean emailTaken(String email) {
        return db.fetchExists(APP_USER, APP_USER.EMAIL.eq(email));
    }

    public boolean anyOwnerExists() {
        return db.fetchExists(MEMBERSHIP, MEMBERSHIP.ROLE.eq(Role.OWNER.name()));
    }

    /**
     * A page of the organization's people in the Members page's order (owners first, then by name, e-mail and id),
     * after {@code after} (the last row of the previous page, or null), optionally only those whose name or e-mail
     * contains {@code search} (case-insensitive, wildcards taken literally). Reads {@code limit + 1} rows. The order
     * comes from the membership's copy of its sort keys (kept by the database, V10) and its index: a page is an
     * index range, however deep in the list.
     */
    public List<MemberSummary> memberPage(OrganizationId orgId, String search, MemberSummary after, int limit) {
        Condition where = MEMBERSHIP.ORG_ID.eq(orgId);
        if (search != null) {
            where = where.and(MEMBERSHIP.LIST_NAME.containsIgnoreCase(search)
                    .or(MEMBERSHIP.LIST_EMAIL.containsIgnoreCase(search)));
        }
        if (after != null) {
            where = where.and(DSL.row(MEMBERSHIP.LIST_RANK, MEMBERSHIP.LIST_NAME, MEMBERSHIP.LIST_EMAIL,
                    MEMBERSHIP.USER_ID).gt(DSL.row(DSL.val((short) (after.role() == Role.OWNER ? 0 : 1)),
                    DSL.val(after.displayName()), DSL.val(after.email()), DSL.val(after.userId(), MEMBERSHIP.USER_ID))));
        }
        // name and address read from the copy itself, so the next page's cursor holds exactly the keys sorted on
        return db.select(MEMBERSHIP.USER_ID, MEMBERSHIP.LIST_EMAIL, MEMBERSHIP.LIST_NAME, MEMBERSHIP.ROLE,
                        MEMBERSHIP.CREATED_AT, MEMBERSHIP.VERSION)
                .from(MEMBERSHIP)
                .where(where)
                .orderBy(MEMBERSHIP.LIST_RANK, MEMBERSHIP.LIST_NAME, MEMBERSHIP.LIST_EMAIL, MEMBERSHIP.USER_ID)
                .limit(limit + 1)
                .fetch(r -> new MemberSummary(r.value1(), r.value2(), r.value3(),
                        Role.valueOf(r.value4()), r.value5().toInstant(), r.value6()));
    }

    /** How many people the organization has, and how many of them are owners. */
    public MemberCounts memberCounts(OrganizationId orgId) {
        return db.select(DSL.count(), DSL.count().filterWhere(MEMBERSHIP.ROLE.eq(Role.OWNER.name())))
                .from(MEMBERSHIP)
                .where(MEMBERSHIP.ORG_ID.eq(orgId))
                .fetchSingle(r -> new MemberCounts(r.value1(), r.value2()));
    }

    public Optional<MemberSummary> member(OrganizationId orgId, UserId userId) {
        return db.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME, MEMBERSHIP.ROLE, MEMBERSHIP.CREATED_AT,
                        MEMBERSHIP.VERSION)
                .from(MEMBERSHIP)
                .join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)))
                .fetchOptional(OrganizationRepository::toSummary);
    }

    private static MemberSummary toSummary(Record r) {
        return new MemberSummary(r.get(APP_USER.ID), r.get(APP_USER.EMAIL), r.get(APP_USER.DISPLAY_NAME),
                Role.valueOf(r.get(MEMBERSHIP.ROLE)), r.get(MEMBERSHIP.CREATED_AT).toInstant(),
                r.get(MEMBERSHIP.VERSION));
    }

    /** Locks the organization's row until the transaction ends: membership changes of one organization take turns. */
    public void lockOrganization(OrganizationId orgId) {
        db.select(ORGANIZATION.ID).from(ORGANIZATION).where(ORGANIZATION.ID.eq(orgId)).forUpdate().fetch();
    }

    public int ownerCount(OrganizationId orgId) {
        return db.fetchCount(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(orgId)
                .and(MEMBERSHIP.ROLE.eq(Role.OWNER.name())));
    }

    public boolean isMember(OrganizationId orgId, UserId userId) {
        return db.fetchExists(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(orgId)
                .and(MEMBERSHIP.USER_ID.eq(userId)));
    }

    public boolean isMember(OrganizationId orgId, String email) {
        return db.fetchExists(db.selectOne().from(MEMBERSHIP).join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(APP_USER.EMAIL.eq(email))));
    }

    /** Optimistic: false when the membership changed since {@code expectedVersion} was read. */
    public boolean updateRole(OrganizationId orgId, UserId userId, Role role, int expectedVersion) {
        return db.update(MEMBERSHIP)
                .set(MEMBERSHIP.ROLE, role.name())
                .set(MEMBERSHIP.VERSION, MEMBERSHIP.VERSION.plus(1))
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId))
                        .and(MEMBERSHIP.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    public boolean deleteMembership(OrganizationId orgId, UserId userId) {
        return db.deleteFrom(MEMBERSHIP)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)))
                .execute() == 1;
    }

    /** Removes the account's password (single sign-on only from now on); true when it had one. */
    public boolean removePassword(UserId userId) {
        return db.update(APP_USER)
                .set(APP_USER.PASSWORD_HASH, (String) null)
                .set(APP_USER.PASSWORD_CHANGED_AT, (OffsetDateTime) null)
                .set(APP_USER.VERSION, APP_USER.VERSION.plus(1))
                .where(APP_USER.ID.eq(userId).and(APP_USER.PASSWORD_HASH.isNotNull()))
                .execute() == 1;
    }

    public Optional<UserId> userByEmail(String email) {
        return db.select(APP_USER.ID).from(APP_USER).where(APP_USER.EMAIL.eq(email))
                .fetchOptional(APP_USER.ID);
    }

    public List<OrganizationId> organizationsOf(UserId userId) {
        return db.select(MEMBERSHIP.ORG_ID).from(MEMBERSHIP).where(MEMBERSHIP.USER_ID.eq(userId))
                .fetch(MEMBERSHIP.ORG_ID);
    }

    public boolean ssoRequired(OrganizationId orgId) {
        return db.select(ORGANIZATION.SSO_REQUIRED).from(ORGANIZATION).where(ORGANIZATION.ID.eq(orgId))
                .fetchOptional(ORGANIZATION.SSO_REQUIRED).orElse(false);
    }

    public void setSsoRequired(OrganizationId orgId, boolean required) {
        db.update(ORGANIZATION)
                .set(ORGANIZATION.SSO_REQUIRED, required)
                .set(ORGANIZATION.VERSION, ORGANIZATION.VERSION.plus(1))
                .where(ORGANIZATION.ID.eq(orgId))
                .execute();
    }

    /** Whether any organization the person belongs to requires single sign-on. */
    public boolean inSsoRequiredOrganization(UserId userId) {
        return db.fetchExists(db.selectOne().from(MEMBERSHIP).join(ORGANIZATION)
                .on(ORGANIZATION.ID.eq(MEMBERSHIP.ORG_ID))
                .where(MEMBERSHIP.USER_ID.eq(userId).and(ORGANIZATION.SSO_REQUIRED.isTrue())));
    }

    /** Serialises first-time setup across console instances for the rest of the transaction. */
    public void lockSetup() {
        db.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, DSL.val(SETUP_LOCK_KEY))).fetch();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insertSetupCode(String codeHash, OffsetDateTime now, OffsetDateTime expiresAt) {
        db.insertInto(SETUP_CODE)
                .set(SETUP_CODE.CODE_HASH, codeHash)
                .set(SETUP_CODE.CREATED_AT, now)
                .set(SETUP_CODE.EXPIRES_AT, expiresAt)
                .execute();
    }

    public boolean validSetupCode(String codeHash, OffsetDateTime now) {
        return db.fetchExists(SETUP_CODE, SETUP_CODE.CODE_HASH.eq(codeHash).and(SETUP_CODE.EXPIRES_AT.gt(now)));
    }

    public void deleteAllSetupCodes() {
        db.deleteFrom(SETUP_CODE).execute();
    }
}
