package org.connectorconsole.organization.internal;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.MEMBERSHIP;

import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.ProvisionedMember;
import org.connectorconsole.security.Role;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** An organization's members as SCIM reads and writes them. Every query is scoped by the organization. */
@Repository
public class ProvisionedMemberRepository {

    private final DSLContext db;

    ProvisionedMemberRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<ProvisionedMember> find(OrganizationId orgId, UserId userId) {
        return select(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId))).stream().findFirst();
    }

    /** The member whose account has this e-mail address (compared as stored: lower case). */
    public Optional<ProvisionedMember> findByEmail(OrganizationId orgId, String email) {
        return select(MEMBERSHIP.ORG_ID.eq(orgId).and(APP_USER.EMAIL.eq(email))).stream().findFirst();
    }

    public Optional<ProvisionedMember> findByExternalId(OrganizationId orgId, String externalId) {
        return select(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.SCIM_EXTERNAL_ID.eq(externalId))).stream()
                .findFirst();
    }

    /** A page of the organization's members in a stable order (joined, then id), from {@code offset}. */
    public List<ProvisionedMember> page(OrganizationId orgId, int offset, int limit) {
        return db.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME, MEMBERSHIP.ROLE,
                        MEMBERSHIP.SCIM_EXTERNAL_ID, MEMBERSHIP.SUSPENDED_AT, MEMBERSHIP.CREATED_AT,
                        MEMBERSHIP.VERSION)
                .from(MEMBERSHIP).join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .where(MEMBERSHIP.ORG_ID.eq(orgId))
                .orderBy(MEMBERSHIP.CREATED_AT, MEMBERSHIP.USER_ID)
                .offset(offset).limit(limit)
                .fetch(ProvisionedMemberRepository::toMember);
    }

    public int count(OrganizationId orgId) {
        return db.fetchCount(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(orgId));
    }

    /** The account with this address, in any organization. */
    public Optional<UserId> accountByEmail(String email) {
        return db.select(APP_USER.ID).from(APP_USER).where(APP_USER.EMAIL.eq(email)).fetchOptional(r -> r.value1());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void setExternalId(OrganizationId orgId, UserId userId, String externalId) {
        db.update(MEMBERSHIP).set(MEMBERSHIP.SCIM_EXTERNAL_ID, externalId)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId))).execute();
    }

    private List<ProvisionedMember> select(Condition where) {
        return db.select(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME, MEMBERSHIP.ROLE,
                        MEMBERSHIP.SCIM_EXTERNAL_ID, MEMBERSHIP.SUSPENDED_AT, MEMBERSHIP.CREATED_AT,
                        MEMBERSHIP.VERSION)
                .from(MEMBERSHIP).join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .where(where)
                .fetch(ProvisionedMemberRepository::toMember);
    }

    private static ProvisionedMember toMember(Record r) {
        return new ProvisionedMember(r.get(APP_USER.ID), r.get(APP_USER.EMAIL), r.get(APP_USER.DISPLAY_NAME),
                Role.valueOf(r.get(MEMBERSHIP.ROLE)), r.get(MEMBERSHIP.SCIM_EXTERNAL_ID),
                r.get(MEMBERSHIP.SUSPENDED_AT) == null, r.get(MEMBERSHIP.CREATED_AT).toInstant(),
                r.get(MEMBERSHIP.VERSION));
    }
}
