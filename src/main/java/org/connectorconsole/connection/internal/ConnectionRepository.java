package org.connectorconsole.connection.internal;

import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR_OAUTH_CLIENT;
import static org.connectorconsole.db.Tables.CONNECTOR_USE;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.PENDING_AUTHORIZATION;
import static org.connectorconsole.db.Tables.RECONNECT_REQUEST;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.LiveChange;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.LiveTopic;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connection.ConnectionStatus;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.db.tables.records.ConnectionRecord;
import org.connectorconsole.db.tables.records.PendingAuthorizationRecord;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Connections, pending authorizations and registered clients. Tokens and secrets arrive and leave sealed. */
@Repository
public class ConnectionRepository {

    /** A member's connection as stored; tokens sealed. */
    public record StoredConnection(UUID id, OrganizationId orgId, ConnectorId connectorId, UserId userId,
            ConnectionStatus status, String statusReason, String issuer, String clientId, String authMethod,
            byte[] accessToken, byte[] refreshToken, String scope, String requiredScope, int stepUps,
            Instant expiresAt, Instant connectedAt, Instant refreshingUntil, String resourceIndicator) {
    }

    /** An authorization a member started; the code verifier sealed. */
    public record PendingAuthorization(String stateHash, OrganizationId orgId, ConnectorId connectorId, UserId userId,
            byte[] codeVerifier, String issuer, String resource, boolean issRequired, String clientId,
            String redirectUri, String scope, int stepUps, String returnTo, Instant expiresAt,
            String resourceIndicator) {
    }

    /** The client the console is at one authorization server for one connector; the secret sealed. */
    public record StoredClient(String clientId, byte[] sealedSecret, String authMethod, String redirectUri) {
    }

    private final DSLContext db;

    private final LiveChanges live;

    ConnectionRepository(DSLContext db, LiveChanges live) {
        this.db = db;
        this.live = live;
    }

    /** The member's open pages hear of a changed status or renewed tokens when the transaction commits. */
    private void tellPages(Optional<? extends org.jooq.Record> changed) {
        changed.ifPresent(r -> live.publish(LiveChange.forMember(r.get(CONNECTION.ORG_ID), r.get(CONNECTION.USER_ID),
                LiveTopic.CONNECTIONS)));
    }

    // ---- registered clients ----

    public Optional<StoredClient> findClientFor(ConnectorId connectorId, String issuer, String redirectUri) {
        return db.selectFrom(CONNECTOR_OAUTH_CLIENT)
                .where(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID.eq(connectorId.value())
                        .and(CONNECTOR_OAUTH_CLIENT.ISSUER.eq(issuer))
                        .and(CONNECTOR_OAUTH_CLIENT.REDIRECT_URI.eq(redirectUri)))
                .fetchOptional(r -> new StoredClient(r.getClientId(), r.getClientSecret(), r.getAuthMethod(),
                        r.getRedirectUri()));
    }

    public Optional<StoredClient> findClientById(ConnectorId connectorId, String issuer, String clientId) {
        return db.selectFrom(CONNECTOR_OAUTH_CLIENT)
                .where(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID.eq(connectorId.value())
                        .and(CONNECTOR_OAUTH_CLIENT.ISSUER.eq(issuer))
                        .and(CONNECTOR_OAUTH_CLIENT.CLIENT_ID.eq(clientId)))
                .limit(1)
                .fetchOptional(r -> new StoredClient(r.getClientId(), r.getClientSecret(), r.getAuthMethod(),
                        r.getRedirectUri()));
    }

    /** Serialises registration per connector across console instances (held until the transaction ends). */
    @Transactional(propagation = Propagation.MANDATORY)
    public void lockRegistration(ConnectorId connectorId) {
        db.execute("select pg_advisory_xact_lock(hashtextextended(?, 7))", "register:" + connectorId);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void saveClient(OrganizationId orgId, ConnectorId connectorId, String issuer, String clientId,
            byte[] sealedSecret, String authMethod, String redirectUri, OffsetDateTime now) {
        db.insertInto(CONNECTOR_OAUTH_CLIENT)
                .set(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID, connectorId.value())
                .set(CONNECTOR_OAUTH_CLIENT.ISSUER, issuer)
                .set(CONNECTOR_OAUTH_CLIENT.ORG_ID, orgId)
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_ID, clientId)
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_SECRET, sealedSecret)
                .set(CONNECTOR_OAUTH_CLIENT.AUTH_METHOD, authMethod)
                .set(CONNECTOR_OAUTH_CLIENT.REDIRECT_URI, redirectUri)
                .set(CONNECTOR_OAUTH_CLIENT.REGISTERED_AT, now)
                .onConflict(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID, CONNECTOR_OAUTH_CLIENT.ISSUER,
                        CONNECTOR_OAUTH_CLIENT.REDIRECT_URI).doUpdate()
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_ID, clientId)
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_SECRET, sealedSecret)
                .set(CONNECTOR_OAUTH_CLIENT.AUTH_METHOD, authMethod)
                .set(CONNECTOR_OAUTH_CLIENT.REGISTERED_AT, now)
                .execute();
    }

    /** Forgets a registration the server no longer knows ({@code invalid_client}), if it is still that one. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void deleteClient(ConnectorId connectorId, String issuer, String clientId) {
        db.deleteFrom(CONNECTOR_OAUTH_CLIENT)
                .where(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID.eq(connectorId.value())
                        .and(CONNECTOR_OAUTH_CLIENT.ISSUER.eq(issuer))
                        .and(CONNECTOR_OAUTH_CLIENT.CLIENT_ID.eq(clientId)))
                .execute();
    }

    // ---- pending authorizations ----

    public void insertPending(PendingAuthorization p, OffsetDateTime now) {
        PendingAuthorizationRecord r = db.newRecord(PENDING_AUTHORIZATION);
        r.setStateHash(p.stateHash());
        r.setOrgId(p.orgId());
        r.setConnectorId(p.connectorId().value());
        r.setUserId(p.userId());
        r.setCodeVerifier(p.codeVerifier());
        r.setIssuer(p.issuer());
        r.setResource(p.resource());
        r.setResourceIndicator(p.resourceIndicator());
        r.setIssRequired(p.issRequired());
        r.setClientId(p.clientId());
        r.setRedirectUri(p.redirectUri());
        r.setScope(p.scope());
        r.setStepUps(p.stepUps());
        r.setReturnTo(p.returnTo());
        r.setCreatedAt(now);
        r.setExpiresAt(utc(p.expiresAt()));
        r.insert();
    }

    /** Takes the pending authorization out: of any number of concurrent callbacks, exactly one gets it. */
    public Optional<PendingAuthorization> consumePending(String stateHash) {
        return db.deleteFrom(PENDING_AUTHORIZATION)
                .where(PENDING_AUTHORIZATION.STATE_HASH.eq(stateHash))
                .returning()
                .fetchOptional()
                .map(r -> new PendingAuthorization(r.getStateHash(), r.getOrgId(),
                        new ConnectorId(r.getConnectorId()), r.getUserId(), r.getCodeVerifier(),
                        r.getIssuer(), r.getResource(), r.getIssRequired(), r.getClientId(), r.getRedirectUri(),
                        r.getScope(), r.getStepUps(), r.getReturnTo(), r.getExpiresAt().toInstant(),
                        r.getResourceIndicator()));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public int deleteExpiredPending(OffsetDateTime now) {
        return db.deleteFrom(PENDING_AUTHORIZATION).where(PENDING_AUTHORIZATION.EXPIRES_AT.lt(now)).execute();
    }

    public int deletePendingFor(OrganizationId orgId, ConnectorId connectorId) {
        return db.deleteFrom(PENDING_AUTHORIZATION).where(PENDING_AUTHORIZATION.ORG_ID.eq(orgId)
                .and(PENDING_AUTHORIZATION.CONNECTOR_ID.eq(connectorId.value()))).execute();
    }

    // ---- connections ----

    public Optional<StoredConnection> find(OrganizationId orgId, ConnectorId connectorId, UserId userId) {
        return db.selectFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId).and(CONNECTION.CONNECTOR_ID.eq(connectorId.value()))
                        .and(CONNECTION.USER_ID.eq(userId)))
                .fetchOptional(ConnectionRepository::toStored);
    }

    /** How many connections there are in each stored state, across every organization (for the metrics). */
    public java.util.Map<String, Long> countByStatus() {
        return db.select(CONNECTION.STATUS, org.jooq.impl.DSL.count())
                .from(CONNECTION)
                .groupBy(CONNECTION.STATUS)
                .fetchMap(r -> r.value1(), r -> r.value2().longValue());
    }

    public Optional<StoredConnection> find(UUID connectionId) {
        return db.selectFrom(CONNECTION).where(CONNECTION.ID.eq(connectionId)).fetchOptional(
                ConnectionRepository::toStored);
    }

    public List<StoredConnection> listForUser(OrganizationId orgId, UserId userId) {
        return db.selectFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId).and(CONNECTION.USER_ID.eq(userId)))
                .fetch(ConnectionRepository::toStored);
    }

    /** Deletes the member's connection and returns what it held (so exactly those tokens get revoked). */
    public Optional<StoredConnection> deleteReturning(OrganizationId orgId, ConnectorId connectorId, UserId userId) {
        return db.deleteFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId).and(CONNECTION.CONNECTOR_ID.eq(connectorId.value()))
                        .and(CONNECTION.USER_ID.eq(userId)))
                .returning().fetchOptional().map(ConnectionRepository::toStored);
    }

    public List<StoredConnection> deleteAllReturning(OrganizationId orgId, ConnectorId connectorId) {
        return db.deleteFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId).and(CONNECTION.CONNECTOR_ID.eq(connectorId.value())))
                .returning().fetch().map(ConnectionRepository::toStored);
    }

    /** Ends every connection of one person in one organization (they left it); returns what they held. */
    public List<StoredConnection> deleteAllOfUserReturning(OrganizationId orgId, UserId userId) {
        db.deleteFrom(PENDING_AUTHORIZATION).where(PENDING_AUTHORIZATION.ORG_ID.eq(orgId)
                .and(PENDING_AUTHORIZATION.USER_ID.eq(userId))).execute();
        db.deleteFrom(RECONNECT_REQUEST).where(RECONNECT_REQUEST.ORG_ID.eq(orgId)
                .and(RECONNECT_REQUEST.USER_ID.eq(userId))).execute();
        return db.deleteFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId).and(CONNECTION.USER_ID.eq(userId)))
                .returning().fetch().map(ConnectionRepository::toStored);
    }

    /**
     * The member's connection row, created empty if missing, and locked until the transaction ends: its id is
     * known before tokens are sealed with it, and two callbacks for one member take turns.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID lockOrCreate(OrganizationId orgId, ConnectorId connectorId, UserId userId, String issuer,
            String clientId, String authMethod, OffsetDateTime now) {
        db.insertInto(CONNECTION)
                .set(CONNECTION.ID, UUID.randomUUID())
                .set(CONNECTION.ORG_ID, orgId)
                .set(CONNECTION.CONNECTOR_ID, connectorId.value())
                .set(CONNECTION.USER_ID, userId)
                .set(CONNECTION.STATUS, ConnectionStatus.NEEDS_REAUTH.name())
                .set(CONNECTION.STATUS_REASON, "Connecting…")
                .set(CONNECTION.ISSUER, issuer)
                .set(CONNECTION.CLIENT_ID, clientId)
                .set(CONNECTION.AUTH_METHOD, authMethod)
                .set(CONNECTION.SCOPE, "")
                .set(CONNECTION.CONNECTED_AT, now)
                .set(CONNECTION.UPDATED_AT, now)
                .onConflict(CONNECTION.CONNECTOR_ID, CONNECTION.USER_ID).doNothing()
                .execute();
        return db.select(CONNECTION.ID).from(CONNECTION)
                .where(CONNECTION.CONNECTOR_ID.eq(connectorId.value()).and(CONNECTION.USER_ID.eq(userId)))
                .forUpdate().fetchSingle(CONNECTION.ID);
    }

    /** Stores a fresh grant (callback): tokens, scopes, client, status connected. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void saveGrant(UUID id, String issuer, String clientId, String authMethod, byte[] access, byte[] refresh,
            String scope, int stepUps, Instant expiresAt, String resourceIndicator, OffsetDateTime now) {
        db.update(CONNECTION)
                .set(CONNECTION.RESOURCE_INDICATOR, resourceIndicator)
                .set(CONNECTION.STATUS, ConnectionStatus.CONNECTED.name())
                .setNull(CONNECTION.STATUS_REASON)
                .set(CONNECTION.ISSUER, issuer)
                .set(CONNECTION.CLIENT_ID, clientId)
                .set(CONNECTION.AUTH_METHOD, authMethod)
                .set(CONNECTION.ACCESS_TOKEN, access)
                .set(CONNECTION.REFRESH_TOKEN, refresh)
                .set(CONNECTION.SCOPE, scope)
                .setNull(CONNECTION.REQUIRED_SCOPE)
                .set(CONNECTION.STEP_UPS, stepUps)
                .set(CONNECTION.EXPIRES_AT, utc(expiresAt))
                .setNull(CONNECTION.REFRESHING_UNTIL)
                .set(CONNECTION.CONNECTED_AT, now)
                .set(CONNECTION.UPDATED_AT, now)
                .where(CONNECTION.ID.eq(id))
                .execute();
        // the member reconnected: an owner's request to do so is answered
        db.deleteFrom(RECONNECT_REQUEST).where(org.jooq.impl.DSL.row(RECONNECT_REQUEST.CONNECTOR_ID,
                RECONNECT_REQUEST.USER_ID).in(db.select(CONNECTION.CONNECTOR_ID, CONNECTION.USER_ID).from(CONNECTION)
                        .where(CONNECTION.ID.eq(id)))).execute();
    }

    /**
     * Claims the right to refresh: succeeds for one caller (on any instance) while the stored access token is
     * still {@code currentAccess} and nobody else holds an unexpired claim.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean claimRefresh(UUID id, byte[] currentAccess, OffsetDateTime now, OffsetDateTime until) {
        return db.update(CONNECTION)
                .set(CONNECTION.REFRESHING_UNTIL, until)
                .where(CONNECTION.ID.eq(id).and(CONNECTION.ACCESS_TOKEN.eq(currentAccess))
                        .and(CONNECTION.REFRESHING_UNTIL.isNull().or(CONNECTION.REFRESHING_UNTIL.lt(now))))
                .execute() == 1;
    }

    /** Stores refreshed tokens if the connection still exists and still held {@code oldAccess}. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean saveRefreshed(UUID id, byte[] oldAccess, byte[] access, byte[] refresh, String scope,
            Instant expiresAt, OffsetDateTime now) {
        var changed = db.update(CONNECTION)
                .set(CONNECTION.ACCESS_TOKEN, access)
                .set(CONNECTION.REFRESH_TOKEN, refresh)
                .set(CONNECTION.SCOPE, scope)
                .set(CONNECTION.EXPIRES_AT, utc(expiresAt))
                .setNull(CONNECTION.REFRESHING_UNTIL)
                .set(CONNECTION.REFRESHED_AT, now)
                .set(CONNECTION.UPDATED_AT, now)
                .where(CONNECTION.ID.eq(id).and(CONNECTION.ACCESS_TOKEN.eq(oldAccess)))
                .returning(CONNECTION.ORG_ID, CONNECTION.USER_ID)
                .fetchOptional();
        tellPages(changed);
        return changed.isPresent();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void releaseRefresh(UUID id) {
        db.update(CONNECTION).setNull(CONNECTION.REFRESHING_UNTIL).where(CONNECTION.ID.eq(id)).execute();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void setStatus(UUID id, ConnectionStatus status, String reason, String requiredScope, int stepUps,
            OffsetDateTime now) {
        // pages hear of it only when the status changes (a check storing "failing" again must not refresh pages
        // that would check again)
        String before = db.select(CONNECTION.STATUS).from(CONNECTION).where(CONNECTION.ID.eq(id))
                .fetchOptional(CONNECTION.STATUS).orElse(null);
        var changed = db.update(CONNECTION)
                .set(CONNECTION.STATUS, status.name())
                .set(CONNECTION.STATUS_REASON, reason)
                .set(CONNECTION.REQUIRED_SCOPE, requiredScope)
                .set(CONNECTION.STEP_UPS, stepUps)
                .setNull(CONNECTION.REFRESHING_UNTIL)
                .set(CONNECTION.CHECKED_AT, now)
                .set(CONNECTION.UPDATED_AT, now)
                .where(CONNECTION.ID.eq(id))
                .returning(CONNECTION.ORG_ID, CONNECTION.USER_ID)
                .fetchOptional();
        if (!status.name().equals(before)) {
            tellPages(changed);
        }
    }

    /**
     * The server accepted the token: connected, step-up count cleared; unless the connection meanwhile needs
     * a new sign-in or holds another token (a concurrent refresh or reconnect wins).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    /**
     * A member used a connector (a tool call started): keeps when, at most once every {@value #USE_GRAIN_SECONDS}
     * seconds per member and connector, so a busy member's calls do not all write.
     */
    public void recordUse(OrganizationId orgId, ConnectorId connectorId, UserId userId, OffsetDateTime now) {
        // two statements, not one upsert: "on conflict do update ... where" locks the row even when it changes
        // nothing, which would queue a member's concurrent calls (the gateway's) behind each other
        int inserted = db.insertInto(CONNECTOR_USE)
                .set(CONNECTOR_USE.CONNECTOR_ID, connectorId.value())
                .set(CONNECTOR_USE.USER_ID, userId)
                .set(CONNECTOR_USE.ORG_ID, orgId)
                .set(CONNECTOR_USE.LAST_USED_AT, now)
                .onConflictDoNothing()
                .execute();
        if (inserted == 0) {
            db.update(CONNECTOR_USE)
                    .set(CONNECTOR_USE.LAST_USED_AT, now)
                    .where(CONNECTOR_USE.CONNECTOR_ID.eq(connectorId.value()).and(CONNECTOR_USE.USER_ID.eq(userId))
                            .and(CONNECTOR_USE.LAST_USED_AT.lt(now.minusSeconds(USE_GRAIN_SECONDS))))
                    .execute();
        }
    }

    public static final int USE_GRAIN_SECONDS = 30;

    public void markWorking(UUID id, byte[] accessUsed, OffsetDateTime now) {
        db.update(CONNECTION)
                .set(CONNECTION.STATUS, ConnectionStatus.CONNECTED.name())
                .setNull(CONNECTION.STATUS_REASON)
                .set(CONNECTION.STEP_UPS, 0)
                .set(CONNECTION.CHECKED_AT, now)
                .set(CONNECTION.LAST_USED_AT, now)
                .where(CONNECTION.ID.eq(id).and(CONNECTION.STATUS.ne(ConnectionStatus.NEEDS_REAUTH.name()))
                        .and(CONNECTION.ACCESS_TOKEN.eq(accessUsed)))
                .execute();
    }

    /**
     * Whether the person is still a member, with the membership share-locked until the transaction ends: a
     * concurrent removal either waits (and then ends what this transaction stores) or went first and is seen.
     */
    public boolean lockMembershipShared(OrganizationId orgId, UserId userId) {
        return !db.select(MEMBERSHIP.USER_ID).from(MEMBERSHIP)
                .where(MEMBERSHIP.ORG_ID.eq(orgId).and(MEMBERSHIP.USER_ID.eq(userId)))
                .forShare().fetch().isEmpty();
    }

    private static StoredConnection toStored(ConnectionRecord r) {
        return new StoredConnection(r.getId(), r.getOrgId(), new ConnectorId(r.getConnectorId()),
                r.getUserId(), ConnectionStatus.valueOf(r.getStatus()), r.getStatusReason(),
                r.getIssuer(), r.getClientId(), r.getAuthMethod(), r.getAccessToken(), r.getRefreshToken(),
                r.getScope(), r.getRequiredScope(), r.getStepUps(), instant(r.getExpiresAt()),
                instant(r.getConnectedAt()), instant(r.getRefreshingUntil()), r.getResourceIndicator());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime utc(Instant t) {
        return t == null ? null : t.atOffset(ZoneOffset.UTC);
    }
}
