package org.connectorconsole.connection.internal;

import static org.connectorconsole.db.Tables.CONNECTOR_ENTERPRISE_MANAGED;
import static org.connectorconsole.db.Tables.ENTERPRISE_CONNECTION_STATE;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.ConnectorId;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Why the console does not connect a member to an enterprise-managed connector by itself: they disconnected
 * (paused), or the last attempt was refused (kept with the refused ID token's hash and what the member was told).
 */
@Repository
public class EnterpriseStateRepository {

    /** A member's state at one connector; refusal fields null when not refused. */
    public record State(OffsetDateTime pausedAt, OffsetDateTime refusedAt, byte[] refusedTokenHash, String message,
            String detail) {
    }

    private final DSLContext db;

    EnterpriseStateRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<State> find(OrganizationId orgId, ConnectorId connectorId, UserId userId) {
        var s = ENTERPRISE_CONNECTION_STATE;
        return db.select(s.PAUSED_AT, s.REFUSED_AT, s.REFUSED_TOKEN_HASH, s.REFUSED_MESSAGE, s.REFUSED_DETAIL)
                .from(s).where(s.ORG_ID.eq(orgId).and(s.CONNECTOR_ID.eq(connectorId.value()))
                        .and(s.USER_ID.eq(userId)))
                .fetchOptional(r -> new State(r.value1(), r.value2(), r.value3(), r.value4(), r.value5()));
    }

    /** The member disconnected: paused when the connector uses the organization's sign-in; false otherwise. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean pauseIfManaged(OrganizationId orgId, ConnectorId connectorId, UserId userId, OffsetDateTime now) {
        var s = ENTERPRISE_CONNECTION_STATE;
        var m = CONNECTOR_ENTERPRISE_MANAGED;
        return db.insertInto(s, s.CONNECTOR_ID, s.USER_ID, s.ORG_ID, s.PAUSED_AT)
                .select(db.select(m.CONNECTOR_ID, DSL.val(userId, s.USER_ID), m.ORG_ID, DSL.val(now, s.PAUSED_AT))
                        .from(m)
                        .where(m.CONNECTOR_ID.eq(connectorId.value()).and(m.ORG_ID.eq(orgId))))
                .onConflict(s.CONNECTOR_ID, s.USER_ID).doUpdate()
                .set(s.PAUSED_AT, now)
                .setNull(s.REFUSED_AT).setNull(s.REFUSED_TOKEN_HASH).setNull(s.REFUSED_MESSAGE)
                .setNull(s.REFUSED_DETAIL)
                .execute() == 1;
    }

    /** The last attempt was refused (a paused member stays paused); nothing when the connector was switched off. */
    @Transactional(propagation = Propagation.MANDATORY)
    public void refused(OrganizationId orgId, ConnectorId connectorId, UserId userId, byte[] tokenHash,
            String message, String detail, OffsetDateTime now) {
        var s = ENTERPRISE_CONNECTION_STATE;
        var m = CONNECTOR_ENTERPRISE_MANAGED;
        db.insertInto(s, s.CONNECTOR_ID, s.USER_ID, s.ORG_ID, s.REFUSED_AT, s.REFUSED_TOKEN_HASH, s.REFUSED_MESSAGE,
                        s.REFUSED_DETAIL)
                .select(db.select(m.CONNECTOR_ID, DSL.val(userId, s.USER_ID), m.ORG_ID, DSL.val(now, s.REFUSED_AT),
                        DSL.val(tokenHash, s.REFUSED_TOKEN_HASH), DSL.val(message, s.REFUSED_MESSAGE),
                        DSL.val(detail, s.REFUSED_DETAIL)).from(m)
                        .where(m.CONNECTOR_ID.eq(connectorId.value()).and(m.ORG_ID.eq(orgId))))
                .onConflict(s.CONNECTOR_ID, s.USER_ID).doUpdate()
                .set(s.REFUSED_AT, now).set(s.REFUSED_TOKEN_HASH, tokenHash).set(s.REFUSED_MESSAGE, message)
                .set(s.REFUSED_DETAIL, detail)
                .execute();
    }

    /** Connected, or the member asked to be connected again: nothing holds the console back any more. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean clear(OrganizationId orgId, ConnectorId connectorId, UserId userId) {
        var s = ENTERPRISE_CONNECTION_STATE;
        return db.deleteFrom(s).where(s.ORG_ID.eq(orgId).and(s.CONNECTOR_ID.eq(connectorId.value()))
                .and(s.USER_ID.eq(userId))).execute() == 1;
    }
}
