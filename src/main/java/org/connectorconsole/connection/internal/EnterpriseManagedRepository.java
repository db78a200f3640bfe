package org.connectorconsole.connection.internal;

import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR_ENTERPRISE_MANAGED;
import static org.connectorconsole.db.Tables.ORG_TOKEN_EXCHANGE;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.db.tables.records.OrgTokenExchangeRecord;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Enterprise-managed authorization's settings: the organization's token exchange and the connectors using it. */
@Repository
public class EnterpriseManagedRepository {

    /** The owner's token-exchange setting; the client secret still sealed. */
    public record StoredExchange(boolean enabled, String tokenEndpoint, String clientId, byte[] sealedSecret) {
    }

    private final DSLContext db;

    EnterpriseManagedRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<StoredExchange> exchange(OrganizationId orgId) {
        return db.select(ORG_TOKEN_EXCHANGE.ENABLED, ORG_TOKEN_EXCHANGE.TOKEN_ENDPOINT, ORG_TOKEN_EXCHANGE.CLIENT_ID,
                        ORG_TOKEN_EXCHANGE.CLIENT_SECRET)
                .from(ORG_TOKEN_EXCHANGE).where(ORG_TOKEN_EXCHANGE.ORG_ID.eq(orgId))
                .fetchOptional(r -> new StoredExchange(r.value1(), r.value2(), r.value3(), r.value4()));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void saveExchange(OrganizationId orgId, boolean enabled, String tokenEndpoint, String clientId,
            byte[] sealedSecret, UserId by, OffsetDateTime now) {
        // every value set, null ones too (a setter marks its field changed): inserted, or all replaced
        OrgTokenExchangeRecord row = new OrgTokenExchangeRecord();
        row.setOrgId(orgId);
        row.setEnabled(enabled);
        row.setTokenEndpoint(tokenEndpoint);
        row.setClientId(clientId);
        row.setClientSecret(sealedSecret);
        row.setUpdatedAt(now);
        row.setUpdatedBy(by.value());
        db.insertInto(ORG_TOKEN_EXCHANGE).set(row).onConflict(ORG_TOKEN_EXCHANGE.ORG_ID).doUpdate().set(row).execute();
    }

    /** The organization's connectors switched to its sign-in. */
    public Set<ConnectorId> managedConnectors(OrganizationId orgId) {
        return db.select(CONNECTOR_ENTERPRISE_MANAGED.CONNECTOR_ID).from(CONNECTOR_ENTERPRISE_MANAGED)
                .where(CONNECTOR_ENTERPRISE_MANAGED.ORG_ID.eq(orgId))
                .fetch(r -> new ConnectorId(r.value1())).stream().collect(Collectors.toSet());
    }

    /** Switches a connector to or from the organization's sign-in; false when nothing changed. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean setManaged(OrganizationId orgId, ConnectorId connectorId, boolean managed, UserId by,
            OffsetDateTime now) {
        if (managed) {
            return db.insertInto(CONNECTOR_ENTERPRISE_MANAGED)
                    .set(CONNECTOR_ENTERPRISE_MANAGED.CONNECTOR_ID, connectorId.value())
                    .set(CONNECTOR_ENTERPRISE_MANAGED.ORG_ID, orgId)
                    .set(CONNECTOR_ENTERPRISE_MANAGED.ENABLED_AT, now)
                    .set(CONNECTOR_ENTERPRISE_MANAGED.ENABLED_BY, by.value())
                    .onConflictDoNothing().execute() == 1;
        }
        return db.deleteFrom(CONNECTOR_ENTERPRISE_MANAGED)
                .where(CONNECTOR_ENTERPRISE_MANAGED.CONNECTOR_ID.eq(connectorId.value())
                        .and(CONNECTOR_ENTERPRISE_MANAGED.ORG_ID.eq(orgId))).execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void markEnterpriseManaged(UUID connectionId) {
        db.update(CONNECTION).set(CONNECTION.ENTERPRISE_MANAGED, true).where(CONNECTION.ID.eq(connectionId))
                .execute();
    }

    public boolean isEnterpriseManaged(UUID connectionId) {
        return db.fetchExists(db.selectOne().from(CONNECTION).where(CONNECTION.ID.eq(connectionId)
                .and(CONNECTION.ENTERPRISE_MANAGED.isTrue())));
    }
}
