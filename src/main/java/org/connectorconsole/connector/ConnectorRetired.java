package org.connectorconsole.connector;

import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.OrganizationId;

/**
 * Published inside the owner's transaction when a connector is removed, disabled or pointed at another URL: every
 * member's connection to it ends (tokens revoked where the server offers it).
 */
public record ConnectorRetired(OrganizationId orgId, ConnectorId connectorId, String connectorName, Reason reason,
        Actor actor) {

    public enum Reason {
        REMOVED, DISABLED, URL_CHANGED
    }
}
