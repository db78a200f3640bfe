package org.connectorconsole.organization.internal;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.INVITATION;
import static org.connectorconsole.db.Tables.ORGANIZATION;
import static org.connectorconsole.db.Tables.SSO_IDENTITY;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.security.Role;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Repository;

/** Invitations (only their token's SHA-256 is stored) and people's single sign-on identities. */
@Repository
public class InvitationRepository {

    /** An invitation as stored, with its organization's name and whether that organization requires SSO. */
    public record StoredInvitation(UUID id, OrganizationId orgId, String orgName, boolean orgSsoRequired,
            Plan orgPlan, String email, Role role, String invitedBy, Instant createdAt, Instant expiresAt, Instant acceptedAt,
            Instant revokedAt) {
    }

    private final DSLContext db;

    InvitationRepository(DSLContext db) {
        this.db = db;
    }

    public void insert(UUID id, OrganizationId orgId, String email, Role role, String tokenHash, UserId invitedBy,
            OffsetDateTime now, OffsetDateTime expiresAt) {
        db.insertInto(INVITATION)
                .set(INVITATION.ID, id)
                .set(INVITATION.ORG_ID, orgId)
                .set(INVITATION.EMAIL, email)
                .set(INVITATION.ROLE, role.name())
                .set(INVITATION.TOKEN_HASH, tokenHash)
                .set(INVITATION.INVITED_BY, invitedBy)
                .set(INVITATION.CREATED_AT, now)
                .set(INVITATION.EXPIRES_AT, expiresAt)
                .execute();
    }

    private org.jooq.SelectOnConditionStep<Record> base() {
        return db.select(INVITATION.fields()).select(ORGANIZATION.NAME, ORGANIZATION.SSO_REQUIRED, ORGANIZATION.PLAN,
                        APP_USER.EMAIL)
                .from(INVITATION)
                .join(ORGANIZATION).on(ORGANIZATION.ID.eq(INVITATION.ORG_ID))
                .leftJoin(APP_USER).on(APP_USER.ID.eq(INVITATION.INVITED_BY));
    }

    public Optional<StoredInvitation> byTokenHash(String tokenHash) {
        return base().where(INVITATION.TOKEN_HASH.eq(tokenHash)).fetchOptional(InvitationRepository::toStored);
    }

    public Optional<StoredInvitation> byId(OrganizationId orgId, UUID id) {
        return base().where(INVITATION.ORG_ID.eq(orgId).and(INVITATION.ID.eq(id)))
                .fetchOptional(InvitationRepository::toStored);
    }

    /** Open invitations of the organization (not accepted, not revoked, not expired), newest first. */
    public List<StoredInvitation> pending(OrganizationId orgId, OffsetDateTime now) {
        return base().where(INVITATION.ORG_ID.eq(orgId).and(INVITATION.ACCEPTED_AT.isNull())
                        .and(INVITATION.REVOKED_AT.isNull()).and(INVITATION.EXPIRES_AT.gt(now)))
                .orderBy(INVITATION.CREATED_AT.desc())
                .fetch(InvitationRepository::toStored);
    }

    /** Open invitations for an e-mail address, in every organization. */
    public List<StoredInvitation> pendingFor(String email, OffsetDateTime now) {
        return base().where(INVITATION.EMAIL.eq(email).and(INVITATION.ACCEPTED_AT.isNull())
                        .and(INVITATION.REVOKED_AT.isNull()).and(INVITATION.EXPIRES_AT.gt(now)))
                .orderBy(INVITATION.CREATED_AT)
                .fetch(InvitationRepository::toStored);
    }

    public boolean pendingExists(OrganizationId orgId, String email, OffsetDateTime now) {
        return db.fetchExists(INVITATION, INVITATION.ORG_ID.eq(orgId).and(INVITATION.EMAIL.eq(email))
                .and(INVITATION.ACCEPTED_AT.isNull()).and(INVITATION.REVOKED_AT.isNull())
                .and(INVITATION.EXPIRES_AT.gt(now)));
    }

    /**
     * Closes the organization's expired, never used invitations for the address (as revoked at {@code now}), so
     * a new one can be issued: at most one open invitation per organization and address (a unique index).
     */
    public void closeExpired(OrganizationId orgId, String email, OffsetDateTime now) {
        db.update(INVITATION)
                .set(INVITATION.REVOKED_AT, now)
                .where(INVITATION.ORG_ID.eq(orgId).and(INVITATION.EMAIL.eq(email))
                        .and(INVITATION.ACCEPTED_AT.isNull()).and(INVITATION.REVOKED_AT.isNull())
                        .and(INVITATION.EXPIRES_AT.le(now)))
                .execute();
    }

    /**
     * Locks the invitation for the rest of the transaction while it is still open; false when it is not. A
     * parallel acceptance waits here and then finds it used, before it spends any work on a password.
     */
    public boolean lockIfOpen(UUID id, OffsetDateTime now) {
        return db.select(INVITATION.ID).from(INVITATION)
                .where(INVITATION.ID.eq(id).and(INVITATION.ACCEPTED_AT.isNull()).and(INVITATION.REVOKED_AT.isNull())
                        .and(INVITATION.EXPIRES_AT.gt(now)))
                .forUpdate()
                .fetchOptional()
                .isPresent();
    }

    /** Takes the invitation if it is still open: exactly one caller succeeds. */
    public boolean consume(UUID id, UserId acceptedBy, OffsetDateTime now) {
        return db.update(INVITATION)
                .set(INVITATION.ACCEPTED_AT, now)
                .set(INVITATION.ACCEPTED_BY, acceptedBy)
                .where(INVITATION.ID.eq(id).and(INVITATION.ACCEPTED_AT.isNull()).and(INVITATION.REVOKED_AT.isNull())
                        .and(INVITATION.EXPIRES_AT.gt(now)))
                .execute() == 1;
    }

    public boolean revoke(OrganizationId orgId, UUID id, OffsetDateTime now) {
        return db.update(INVITATION)
                .set(INVITATION.REVOKED_AT, now)
                .where(INVITATION.ORG_ID.eq(orgId).and(INVITATION.ID.eq(id))
                        .and(INVITATION.ACCEPTED_AT.isNull()).and(INVITATION.REVOKED_AT.isNull()))
                .execute() == 1;
    }

    // ---- single sign-on identities ----

    public Optional<UserId> userForIdentity(String issuer, String subject) {
        return db.select(SSO_IDENTITY.USER_ID).from(SSO_IDENTITY)
                .where(SSO_IDENTITY.ISSUER.eq(issuer).and(SSO_IDENTITY.SUBJECT.eq(subject)))
                .fetchOptional(SSO_IDENTITY.USER_ID);
    }

    public void link(String issuer, String subject, UserId userId, String email, OffsetDateTime now) {
        db.insertInto(SSO_IDENTITY)
                .set(SSO_IDENTITY.ISSUER, issuer)
                .set(SSO_IDENTITY.SUBJECT, subject)
                .set(SSO_IDENTITY.USER_ID, userId)
                .set(SSO_IDENTITY.EMAIL, email)
                .set(SSO_IDENTITY.LINKED_AT, now)
                .set(SSO_IDENTITY.LAST_SEEN_AT, now)
                .execute();
    }

    public void seen(String issuer, String subject, OffsetDateTime now) {
        db.update(SSO_IDENTITY).set(SSO_IDENTITY.LAST_SEEN_AT, now)
                .where(SSO_IDENTITY.ISSUER.eq(issuer).and(SSO_IDENTITY.SUBJECT.eq(subject))).execute();
    }

    public boolean hasIdentity(UserId userId) {
        return db.fetchExists(SSO_IDENTITY, SSO_IDENTITY.USER_ID.eq(userId));
    }

    private static StoredInvitation toStored(Record r) {
        return new StoredInvitation(r.get(INVITATION.ID), r.get(INVITATION.ORG_ID),
                r.get(ORGANIZATION.NAME), r.get(ORGANIZATION.SSO_REQUIRED), Plan.valueOf(r.get(ORGANIZATION.PLAN)),
                r.get(INVITATION.EMAIL),
                Role.valueOf(r.get(INVITATION.ROLE)), r.get(APP_USER.EMAIL), instant(r.get(INVITATION.CREATED_AT)),
                instant(r.get(INVITATION.EXPIRES_AT)), instant(r.get(INVITATION.ACCEPTED_AT)),
                instant(r.get(INVITATION.REVOKED_AT)));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
