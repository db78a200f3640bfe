package org.connectorconsole.gatewayauth.internal;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.CONVERSATION;
import static org.connectorconsole.db.Tables.GATEWAY_GRANT;
import static org.connectorconsole.db.Tables.GATEWAY_REGISTRATION_ATTEMPT;
import static org.connectorconsole.db.Tables.GATEWAY_RETIRED_REFRESH_TOKEN;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.OAUTH2_AUTHORIZATION;
import static org.connectorconsole.db.Tables.OAUTH2_AUTHORIZATION_CONSENT;
import static org.connectorconsole.db.Tables.OAUTH2_REGISTERED_CLIENT;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/**
 * The gateway's grants (one per authorization that issued tokens), the registration rate limit, the clean-up of
 * unused registrations, and the look-ups that say whose a gateway endpoint is. Spring Authorization Server's own
 * tables are written by its JDBC services ({@link ConsoleAuthorizationService}); this class only reads them, deletes
 * an authorization (which ends its tokens at once) and removes consents.
 */
@Repository
public class GatewayAuthRepository {

    /** Whose a gateway endpoint is. {@code conversation} and its title are null for a member's endpoint. */
    public record EndpointOwner(OrganizationId orgId, String orgName, boolean ssoRequired, UserId userId,
            String email, UUID conversation, String conversationTitle) {
    }

    /** A grant as the member and owners see it. */
    public record GrantRow(String authorizationId, OrganizationId orgId, UserId userId, String memberEmail,
            String registeredClientId, String clientId, String clientName, String resource, Instant grantedAt,
            Instant lastUsedAt) {
    }

    private final DSLContext db;

    GatewayAuthRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<EndpointOwner> memberEndpoint(OrganizationId orgId, UserId userId) {
        return db.select(ORGANIZATION.ID, ORGANIZATION.NAME, ORGANIZATION.SSO_REQUIRED, APP_USER.ID, APP_USER.EMAIL)
                .from(MEMBERSHIP)
                .join(ORGANIZATION).on(ORGANIZATION.ID.eq(MEMBERSHIP.ORG_ID))
                .join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)))
                .fetchOptional(r -> new EndpointOwner(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                        null, null));
    }

    public Optional<EndpointOwner> conversationEndpoint(UUID conversation) {
        return db.select(ORGANIZATION.ID, ORGANIZATION.NAME, ORGANIZATION.SSO_REQUIRED, APP_USER.ID, APP_USER.EMAIL,
                        CONVERSATION.ID, CONVERSATION.TITLE)
                .from(CONVERSATION)
                .join(MEMBERSHIP).on(MEMBERSHIP.ORG_ID.eq(CONVERSATION.ORG_ID)
                        .and(MEMBERSHIP.USER_ID.eq(CONVERSATION.USER_ID)))
                .join(ORGANIZATION).on(ORGANIZATION.ID.eq(CONVERSATION.ORG_ID))
                .join(APP_USER).on(APP_USER.ID.eq(CONVERSATION.USER_ID))
                .where(CONVERSATION.ID.eq(conversation))
                .fetchOptional(r -> new EndpointOwner(r.value1(), r.value2(), r.value3(), r.value4(), r.value5(),
                        r.value6(), r.value7()));
    }

    /** Records a grant when its authorization first issues tokens; later saves (refreshes) leave it as it is. */
    public void recordGrant(String authorizationId, OrganizationId orgId, UserId userId, String registeredClientId,
            String clientId, String clientName, String resource, Instant now) {
        db.insertInto(GATEWAY_GRANT)
                .set(GATEWAY_GRANT.AUTHORIZATION_ID, authorizationId)
                .set(GATEWAY_GRANT.ORG_ID, orgId)
                .set(GATEWAY_GRANT.USER_ID, userId)
                .set(GATEWAY_GRANT.REGISTERED_CLIENT_ID, registeredClientId)
                .set(GATEWAY_GRANT.CLIENT_ID, clientId)
                .set(GATEWAY_GRANT.CLIENT_NAME, clientName)
                .set(GATEWAY_GRANT.RESOURCE, resource)
                .set(GATEWAY_GRANT.GRANTED_AT, at(now))
                .onConflict(GATEWAY_GRANT.AUTHORIZATION_ID).doNothing()
                .execute();
    }

    public Optional<GrantRow> grant(String authorizationId) {
        return grants().where(GATEWAY_GRANT.AUTHORIZATION_ID.eq(authorizationId)).fetchOptional(this::toGrant);
    }

    public List<GrantRow> grants(OrganizationId orgId, UserId userId) {
        return grants().where(GATEWAY_GRANT.ORG_ID.eq(orgId).and(GATEWAY_GRANT.USER_ID.eq(userId)))
                .orderBy(GATEWAY_GRANT.GRANTED_AT.desc()).limit(500).fetch(this::toGrant);
    }

    public List<GrantRow> grants(OrganizationId orgId, int limit) {
        return grants().where(GATEWAY_GRANT.ORG_ID.eq(orgId))
                .orderBy(APP_USER.EMAIL, GATEWAY_GRANT.GRANTED_AT.desc()).limit(limit).fetch(this::toGrant);
    }

    /**
     * One page of an organization's grants by member address, newest grant first within a member, after the grant
     * {@code after} (keyset: address, granted, id); {@code search} (or null) matches the address or the app's name.
     * Reads {@code limit + 1} rows: the last only says that more follow.
     */
    public List<GrantRow> grantPage(OrganizationId orgId, String search, GrantKey after, int limit) {
        Condition where = GATEWAY_GRANT.ORG_ID.eq(orgId);
        if (search != null) {
            where = where.and(APP_USER.EMAIL.containsIgnoreCase(search)
                    .or(GATEWAY_GRANT.CLIENT_NAME.containsIgnoreCase(search)));
        }
        if (after != null) {
            OffsetDateTime granted = at(after.grantedAt());
            where = where.and(APP_USER.EMAIL.gt(after.memberEmail())
                    .or(APP_USER.EMAIL.eq(after.memberEmail()).and(GATEWAY_GRANT.GRANTED_AT.lt(granted)
                            .or(GATEWAY_GRANT.GRANTED_AT.eq(granted)
                                    .and(GATEWAY_GRANT.AUTHORIZATION_ID.gt(after.authorizationId()))))));
        }
        return grants().where(where)
                .orderBy(APP_USER.EMAIL, GATEWAY_GRANT.GRANTED_AT.desc(), GATEWAY_GRANT.AUTHORIZATION_ID)
                .limit(limit + 1).fetch(this::toGrant);
    }

    /** Where a page of grants ends: the sort keys of its last row. */
    public record GrantKey(String memberEmail, Instant grantedAt, String authorizationId) {
    }

    private org.jooq.SelectJoinStep<org.jooq.Record> grants() {
        return db.select(GATEWAY_GRANT.fields()).select(APP_USER.EMAIL).from(GATEWAY_GRANT)
                .join(APP_USER).on(APP_USER.ID.eq(GATEWAY_GRANT.USER_ID));
    }

    private GrantRow toGrant(org.jooq.Record r) {
        return new GrantRow(r.get(GATEWAY_GRANT.AUTHORIZATION_ID), r.get(GATEWAY_GRANT.ORG_ID),
                r.get(GATEWAY_GRANT.USER_ID), r.get(APP_USER.EMAIL), r.get(GATEWAY_GRANT.REGISTERED_CLIENT_ID),
                r.get(GATEWAY_GRANT.CLIENT_ID), r.get(GATEWAY_GRANT.CLIENT_NAME), r.get(GATEWAY_GRANT.RESOURCE),
                r.get(GATEWAY_GRANT.GRANTED_AT).toInstant(),
                r.get(GATEWAY_GRANT.LAST_USED_AT) == null ? null : r.get(GATEWAY_GRANT.LAST_USED_AT).toInstant());
    }

    /** Notes a use; writes at most once a minute per grant, so a busy client costs no write per call. */
    public void touch(String authorizationId, Instant now) {
        db.update(GATEWAY_GRANT).set(GATEWAY_GRANT.LAST_USED_AT, at(now))
                .where(GATEWAY_GRANT.AUTHORIZATION_ID.eq(authorizationId))
                .and(GATEWAY_GRANT.LAST_USED_AT.isNull().or(GATEWAY_GRANT.LAST_USED_AT.lt(at(now.minusSeconds(60)))))
                .execute();
    }

    /** Deletes the authorization (its code, access and refresh tokens) and with it the grant. */
    public boolean deleteAuthorization(String authorizationId) {
        return db.deleteFrom(OAUTH2_AUTHORIZATION).where(OAUTH2_AUTHORIZATION.ID.eq(authorizationId)).execute() > 0;
    }

    /** The authorization ids of every grant a member holds in an organization (to end them all). */
    public List<String> grantIds(OrganizationId orgId, UserId userId) {
        return db.select(GATEWAY_GRANT.AUTHORIZATION_ID).from(GATEWAY_GRANT)
                .where(GATEWAY_GRANT.ORG_ID.eq(orgId).and(GATEWAY_GRANT.USER_ID.eq(userId)))
                .fetch(GATEWAY_GRANT.AUTHORIZATION_ID);
    }

    /** Authorizations of a principal that are still waiting for consent or a code exchange (no grant yet). */
    public int deletePendingAuthorizations(String principalName) {
        return db.deleteFrom(OAUTH2_AUTHORIZATION)
                .where(OAUTH2_AUTHORIZATION.PRINCIPAL_NAME.eq(principalName))
                .and(DSL.notExists(DSL.selectOne().from(GATEWAY_GRANT)
                        .where(GATEWAY_GRANT.AUTHORIZATION_ID.eq(OAUTH2_AUTHORIZATION.ID))))
                .execute();
    }

    public Optional<String> consentAuthorities(String registeredClientId, String principalName) {
        return db.select(OAUTH2_AUTHORIZATION_CONSENT.AUTHORITIES).from(OAUTH2_AUTHORIZATION_CONSENT)
                .where(OAUTH2_AUTHORIZATION_CONSENT.REGISTERED_CLIENT_ID.eq(registeredClientId)
                        .and(OAUTH2_AUTHORIZATION_CONSENT.PRINCIPAL_NAME.eq(principalName)))
                .fetchOptional(OAUTH2_AUTHORIZATION_CONSENT.AUTHORITIES);
    }

    /** Replaces a consent's authorities (comma-separated, as Spring Authorization Server stores them); none: gone. */
    public void setConsentAuthorities(String registeredClientId, String principalName, String authorities) {
        var where = OAUTH2_AUTHORIZATION_CONSENT.REGISTERED_CLIENT_ID.eq(registeredClientId)
                .and(OAUTH2_AUTHORIZATION_CONSENT.PRINCIPAL_NAME.eq(principalName));
        if (authorities.isEmpty()) {
            db.deleteFrom(OAUTH2_AUTHORIZATION_CONSENT).where(where).execute();
        } else {
            db.update(OAUTH2_AUTHORIZATION_CONSENT).set(OAUTH2_AUTHORIZATION_CONSENT.AUTHORITIES, authorities)
                    .where(where).execute();
        }
    }

    /** Counts this address's registration attempts since {@code since} and records one more, atomically enough. */
    public int registrationAttempt(String address, Instant now, Instant since) {
        // one address's attempts are counted under a transaction-scoped advisory lock, so parallel attempts from
        // one address on any instance are counted one after another
        db.select(DSL.field("pg_advisory_xact_lock({0})", Object.class, DSL.val((long) address.hashCode())))
                .fetch();
        int count = db.fetchCount(GATEWAY_REGISTRATION_ATTEMPT, GATEWAY_REGISTRATION_ATTEMPT.ADDRESS.eq(address)
                .and(GATEWAY_REGISTRATION_ATTEMPT.ATTEMPTED_AT.gt(at(since))));
        db.insertInto(GATEWAY_REGISTRATION_ATTEMPT)
                .set(GATEWAY_REGISTRATION_ATTEMPT.ADDRESS, address)
                .set(GATEWAY_REGISTRATION_ATTEMPT.ATTEMPTED_AT, at(now))
                .execute();
        return count;
    }

    /**
     * Deletes dynamically registered clients (client ids that are not URLs) registered before {@code before} that
     * no authorization and no consent refers to, and registration attempts older than {@code before}.
     */
    public int deleteUnusedRegistrations(Instant before) {
        db.deleteFrom(GATEWAY_REGISTRATION_ATTEMPT).where(GATEWAY_REGISTRATION_ATTEMPT.ATTEMPTED_AT.lt(at(before)))
                .execute();
        return db.deleteFrom(OAUTH2_REGISTERED_CLIENT)
                .where(OAUTH2_REGISTERED_CLIENT.CLIENT_ID_ISSUED_AT.lt(at(before)))
                .and(OAUTH2_REGISTERED_CLIENT.CLIENT_ID.notLike("https://%"))
                .and(OAUTH2_REGISTERED_CLIENT.CLIENT_ID.notLike("http://%"))
                .and(DSL.notExists(DSL.selectOne().from(OAUTH2_AUTHORIZATION)
                        .where(OAUTH2_AUTHORIZATION.REGISTERED_CLIENT_ID.eq(OAUTH2_REGISTERED_CLIENT.ID))))
                .and(DSL.notExists(DSL.selectOne().from(OAUTH2_AUTHORIZATION_CONSENT)
                        .where(OAUTH2_AUTHORIZATION_CONSENT.REGISTERED_CLIENT_ID.eq(OAUTH2_REGISTERED_CLIENT.ID))))
                .execute();
    }

    /**
     * Authorizations nothing can use any more: every token expired, a code never exchanged (a day after it
     * expired), or a request never answered on the consent page (a day after it was made).
     */
    public int deleteExpiredAuthorizations(Instant now) {
        OffsetDateTime t = at(now);
        return db.deleteFrom(OAUTH2_AUTHORIZATION)
                .where(OAUTH2_AUTHORIZATION.REFRESH_TOKEN_EXPIRES_AT.lt(t))
                .or(OAUTH2_AUTHORIZATION.REFRESH_TOKEN_EXPIRES_AT.isNull()
                        .and(OAUTH2_AUTHORIZATION.ACCESS_TOKEN_EXPIRES_AT.lt(t)))
                .or(OAUTH2_AUTHORIZATION.ACCESS_TOKEN_VALUE.isNull()
                        .and(OAUTH2_AUTHORIZATION.AUTHORIZATION_CODE_EXPIRES_AT.lt(at(now.minusSeconds(86_400)))))
                .or(OAUTH2_AUTHORIZATION.ACCESS_TOKEN_VALUE.isNull()
                        .and(OAUTH2_AUTHORIZATION.AUTHORIZATION_CODE_VALUE.isNull())
                        .and(OAUTH2_AUTHORIZATION.CREATED_AT.lt(at(now.minusSeconds(86_400)))))
                .execute();
    }

    /** No grant of this client in this organization yet (its first use there). */
    public boolean firstUseInOrganization(OrganizationId orgId, String registeredClientId) {
        return !db.fetchExists(GATEWAY_GRANT, GATEWAY_GRANT.ORG_ID.eq(orgId)
                .and(GATEWAY_GRANT.REGISTERED_CLIENT_ID.eq(registeredClientId)));
    }

    /** A person's consents: registered client id to its authorities. */
    public java.util.Map<String, String> consentsOf(String principalName) {
        return db.select(OAUTH2_AUTHORIZATION_CONSENT.REGISTERED_CLIENT_ID, OAUTH2_AUTHORIZATION_CONSENT.AUTHORITIES)
                .from(OAUTH2_AUTHORIZATION_CONSENT)
                .where(OAUTH2_AUTHORIZATION_CONSENT.PRINCIPAL_NAME.eq(principalName))
                .fetchMap(OAUTH2_AUTHORIZATION_CONSENT.REGISTERED_CLIENT_ID, OAUTH2_AUTHORIZATION_CONSENT.AUTHORITIES);
    }

    /** The stored (hashed) refresh token of an authorization, if it has one. */
    public Optional<String> refreshTokenHash(String authorizationId) {
        return db.select(OAUTH2_AUTHORIZATION.REFRESH_TOKEN_VALUE).from(OAUTH2_AUTHORIZATION)
                .where(OAUTH2_AUTHORIZATION.ID.eq(authorizationId))
                .fetchOptional(OAUTH2_AUTHORIZATION.REFRESH_TOKEN_VALUE);
    }

    /** Remembers a refresh token replaced by rotation (its hash). */
    public void retireRefreshToken(String tokenHash, String authorizationId, Instant now) {
        db.insertInto(GATEWAY_RETIRED_REFRESH_TOKEN)
                .set(GATEWAY_RETIRED_REFRESH_TOKEN.TOKEN_HASH, tokenHash)
                .set(GATEWAY_RETIRED_REFRESH_TOKEN.AUTHORIZATION_ID, authorizationId)
                .set(GATEWAY_RETIRED_REFRESH_TOKEN.RETIRED_AT, at(now))
                .onConflictDoNothing()
                .execute();
    }

    /** The authorization a retired refresh token belonged to, if it still exists. */
    public Optional<String> authorizationOfRetiredRefreshToken(String tokenHash) {
        return db.select(GATEWAY_RETIRED_REFRESH_TOKEN.AUTHORIZATION_ID).from(GATEWAY_RETIRED_REFRESH_TOKEN)
                .where(GATEWAY_RETIRED_REFRESH_TOKEN.TOKEN_HASH.eq(tokenHash))
                .fetchOptional(GATEWAY_RETIRED_REFRESH_TOKEN.AUTHORIZATION_ID);
    }

    private static OffsetDateTime at(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
