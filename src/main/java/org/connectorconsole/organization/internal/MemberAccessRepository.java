package org.connectorconsole.organization.internal;

import static org.connectorconsole.db.Tables.MEMBERSHIP;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** A membership's sessions and suspension ("Revoke everything", SCIM deactivation). */
@Repository
public class MemberAccessRepository {

    private final DSLContext db;

    MemberAccessRepository(DSLContext db) {
        this.db = db;
    }

    /** Ends the membership's sessions that began before {@code now}; false when there is no such membership. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean endSessions(OrganizationId orgId, UserId userId, OffsetDateTime now) {
        return db.update(MEMBERSHIP).set(MEMBERSHIP.SESSIONS_VALID_AFTER, now)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId))).execute() == 1;
    }

    /** Suspends ({@code now}) or reactivates ({@code null}) the membership; false when there is none. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setSuspended(OrganizationId orgId, UserId userId, OffsetDateTime now) {
        return db.update(MEMBERSHIP).set(MEMBERSHIP.SUSPENDED_AT, now)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId))).execute() == 1;
    }

    /** The organization's suspended members. */
    public java.util.Set<UserId> suspendedIn(OrganizationId orgId) {
        return new java.util.HashSet<>(db.select(MEMBERSHIP.USER_ID).from(MEMBERSHIP)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.SUSPENDED_AT.isNotNull()))
                .fetch(r -> r.value1()));
    }

    /** When the membership was suspended; empty when it is active or does not exist. */
    public Optional<OffsetDateTime> suspendedAt(OrganizationId orgId, UserId userId) {
        return db.select(MEMBERSHIP.SUSPENDED_AT).from(MEMBERSHIP)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId))
                        .and(MEMBERSHIP.SUSPENDED_AT.isNotNull()))
                .fetchOptional(r -> r.value1());
    }
}
