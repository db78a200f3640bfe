package org.connectorconsole.connection.internal;

import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR_OAUTH_CLIENT;
import static org.connectorconsole.db.Tables.PENDING_AUTHORIZATION;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connection.ConnectionStatus;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.db.tables.records.ConnectionRecord;
import org.connectorconsole.db.tables.records.PendingAuthorizationRecord;
import org.jooq.DSLContext;

import org.springframework.stereotype.Repository;

/** Connections, pending authorizations and registered clients. Tokens and secrets arrive and leave sealed. */
@Repository
public class ConnectionRepository {

    private final DSLContext db;

    ConnectionRepository(DSLContext db) {
        this.db = db;
    }

    // ---- registered clients (one per connector and issuer) ----

    public record StoredClient(String clientId, byte[] sealedSecret, String authMethod, String redirectUri) {
    }

    public Optional<StoredClient> findClient(ConnectorId connectorId, String issuer) {
        return db.selectFrom(CONNECTOR_OAUTH_CLIENT)
                .where(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID.eq(connectorId.value())
                        .and(CONNECTOR_OAUTH_CLIENT.ISSUER.eq(issuer)))
                .fetchOptional(r -> new StoredClient(r.getClientId(), r.getClientSecret(), r.getAuthMethod(),
                        r.getRedirectUri()));
    }

    /** Serialises registration per connector across console instances (held until the transaction ends). */
    public void lockRegistration(ConnectorId connectorId) {
        db.execute("select pg_advisory_xact_lock(hashtextextended(?, 7))", "register:" + connectorId);
    }

    public void saveClient(OrganizationId orgId, ConnectorId connectorId, String issuer, String clientId,
            byte[] sealedSecret, String authMethod, String redirectUri, OffsetDateTime now) {
        db.insertInto(CONNECTOR_OAUTH_CLIENT)
                .set(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID, connectorId.value())
                .set(CONNECTOR_OAUTH_CLIENT.ISSUER, issuer)
                .set(CONNECTOR_OAUTH_CLIENT.ORG_ID, orgId.value())
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_ID, clientId)
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_SECRET, sealedSecret)
                .set(CONNECTOR_OAUTH_CLIENT.AUTH_METHOD, authMethod)
                .set(CONNECTOR_OAUTH_CLIENT.REDIRECT_URI, redirectUri)
                .set(CONNECTOR_OAUTH_CLIENT.REGISTERED_AT, now)
                .onConflict(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID, CONNECTOR_OAUTH_CLIENT.ISSUER).doUpdate()
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_ID, clientId)
                .set(CONNECTOR_OAUTH_CLIENT.CLIENT_SECRET, sealedSecret)
                .set(CONNECTOR_OAUTH_CLIENT.AUTH_METHOD, authMethod)
                .set(CONNECTOR_OAUTH_CLIENT.REDIRECT_URI, redirectUri)
                .set(CONNECTOR_OAUTH_CLIENT.REGISTERED_AT, now)
                .execute();
    }

    /** Forgets a registration the server no longer knows ({@code invalid_client}), if it is still that one. */
    public void deleteClient(ConnectorId connectorId, String issuer, String clientId) {
        db.deleteFrom(CONNECTOR_OAUTH_CLIENT)
                .where(CONNECTOR_OAUTH_CLIENT.CONNECTOR_ID.eq(connectorId.value())
                        .and(CONNECTOR_OAUTH_CLIENT.ISSUER.eq(issuer))
                        .and(CONNECTOR_OAUTH_CLIENT.CLIENT_ID.eq(clientId)))
                .execute();
    }

    // ---- pending authorizations ----

    public void insertPending(PendingAuthorizationRecord pending) {
        db.executeInsert(pending);
    }

    /** Takes the pending authorization out: of any number of concurrent callbacks, exactly one gets it. */
    public Optional<PendingAuthorizationRecord> consumePending(String stateHash) {
        return db.deleteFrom(PENDING_AUTHORIZATION)
                .where(PENDING_AUTHORIZATION.STATE_HASH.eq(stateHash))
                .returning()
                .fetchOptional();
    }

    public int deleteExpiredPending(OffsetDateTime now) {
        return db.deleteFrom(PENDING_AUTHORIZATION).where(PENDING_AUTHORIZATION.EXPIRES_AT.lt(now)).execute();
    }

    // ---- connections ----

    public Optional<ConnectionRecord> find(OrganizationId orgId, ConnectorId connectorId, UserId userId) {
        return db.selectFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId.value()).and(CONNECTION.CONNECTOR_ID.eq(connectorId.value()))
                        .and(CONNECTION.USER_ID.eq(userId.value())))
                .fetchOptional();
    }

    /** The row, locked until the transaction ends: one refresh at a time, across console instances. */
    public Optional<ConnectionRecord> lock(UUID connectionId) {
        return db.selectFrom(CONNECTION).where(CONNECTION.ID.eq(connectionId)).forUpdate().fetchOptional();
    }

    public List<ConnectionRecord> listForUser(OrganizationId orgId, UserId userId) {
        return db.selectFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId.value()).and(CONNECTION.USER_ID.eq(userId.value())))
                .fetch();
    }

    public List<ConnectionRecord> listForConnector(OrganizationId orgId, ConnectorId connectorId) {
        return db.selectFrom(CONNECTION)
                .where(CONNECTION.ORG_ID.eq(orgId.value()).and(CONNECTION.CONNECTOR_ID.eq(connectorId.value())))
                .fetch();
    }

    public int countConnected(OrganizationId orgId, ConnectorId connectorId) {
        return db.fetchCount(CONNECTION, CONNECTION.ORG_ID.eq(orgId.value())
                .and(CONNECTION.CONNECTOR_ID.eq(connectorId.value()))
                .and(CONNECTION.STATUS.eq(ConnectionStatus.CONNECTED.name())));
    }

    /** Inserts or replaces the member's connection to the connector (a reconnect replaces tokens and status). */
    public void upsert(ConnectionRecord row) {
        db.insertInto(CONNECTION).set(row)
                .onConflict(CONNECTION.CONNECTOR_ID, CONNECTION.USER_ID).doUpdate()
                .set(CONNECTION.STATUS, row.getStatus())
                .set(CONNECTION.STATUS_REASON, row.getStatusReason())
                .set(CONNECTION.ISSUER, row.getIssuer())
                .set(CONNECTION.CLIENT_ID, row.getClientId())
                .set(CONNECTION.AUTH_METHOD, row.getAuthMethod())
                .set(CONNECTION.ACCESS_TOKEN, row.getAccessToken())
                .set(CONNECTION.REFRESH_TOKEN, row.getRefreshToken())
                .set(CONNECTION.SCOPE, row.getScope())
                .set(CONNECTION.REQUIRED_SCOPE, (String) null)
                .set(CONNECTION.STEP_UPS, row.getStepUps())
                .set(CONNECTION.EXPIRES_AT, row.getExpiresAt())
                .set(CONNECTION.CONNECTED_AT, row.getConnectedAt())
                .set(CONNECTION.UPDATED_AT, row.getUpdatedAt())
                .execute();
    }

    public void updateTokens(UUID id, byte[] access, byte[] refresh, String scope, OffsetDateTime expiresAt,
            OffsetDateTime now) {
        db.update(CONNECTION)
                .set(CONNECTION.ACCESS_TOKEN, access)
                .set(CONNECTION.REFRESH_TOKEN, refresh)
                .set(CONNECTION.SCOPE, scope)
                .set(CONNECTION.EXPIRES_AT, expiresAt)
                .set(CONNECTION.REFRESHED_AT, now)
                .set(CONNECTION.UPDATED_AT, now)
                .where(CONNECTION.ID.eq(id))
                .execute();
    }

    public void setStatus(UUID id, ConnectionStatus status, String reason, String requiredScope, int stepUps,
            OffsetDateTime now) {
        db.update(CONNECTION)
                .set(CONNECTION.STATUS, status.name())
                .set(CONNECTION.STATUS_REASON, reason)
                .set(CONNECTION.REQUIRED_SCOPE, requiredScope)
                .set(CONNECTION.STEP_UPS, stepUps)
                .set(CONNECTION.CHECKED_AT, now)
                .set(CONNECTION.UPDATED_AT, now)
                .where(CONNECTION.ID.eq(id))
                .execute();
    }

    public void markUsed(UUID id, OffsetDateTime now) {
        db.update(CONNECTION)
                .set(CONNECTION.STATUS, ConnectionStatus.CONNECTED.name())
                .setNull(CONNECTION.STATUS_REASON)
                .set(CONNECTION.CHECKED_AT, now)
                .set(CONNECTION.LAST_USED_AT, now)
                .where(CONNECTION.ID.eq(id))
                .execute();
    }

    public boolean delete(UUID id) {
        return db.deleteFrom(CONNECTION).where(CONNECTION.ID.eq(id)).execute() == 1;
    }

}
