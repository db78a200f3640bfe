package org.connectorconsole.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Component;

/**
 * The connector a gateway name's key stands for. Connector ids are kept by key, per organization, as last read
 * (decision 0061: one database round trip less per call): a connector's key is fixed when it is added, so an entry
 * never names another connector than it did; a key not found, or whose connector is gone (a key of a removed
 * connector may be given to a new one), is read again from the database. The connector itself is always read.
 */
@Component
class GatewayConnectorKeys {

    private static final int MAX_ORGS_KEPT = 10_000;

    private final ConnectorDirectory connectors;
    private final Map<OrganizationId, Map<String, ConnectorId>> keysByOrg = new ConcurrentHashMap<>();

    GatewayConnectorKeys(ConnectorDirectory connectors) {
        this.connectors = connectors;
    }

    /** The member's organization's connector with this key, or null when there is none. */
    Connector connectorByKey(Member member, String key) {
        Map<String, ConnectorId> keys = keysByOrg.get(member.orgId());
        ConnectorId id = keys == null ? null : keys.get(key);
        Connector found = id == null ? null : connectors.find(member.orgId(), id)
                .map(ConnectorDirectory.Target::connector).orElse(null);
        if (found != null) {
            return found;
        }
        Map<String, ConnectorId> fresh = new HashMap<>();
        connectors.keys(member.orgId()).forEach((connectorId, k) -> fresh.put(k, connectorId));
        if (keysByOrg.size() >= MAX_ORGS_KEPT) {
            keysByOrg.clear();
        }
        keysByOrg.put(member.orgId(), Map.copyOf(fresh));
        ConnectorId freshId = fresh.get(key);
        return freshId == null || freshId.equals(id) ? null : connectors.find(member.orgId(), freshId)
                .map(ConnectorDirectory.Target::connector).orElse(null);
    }
}
