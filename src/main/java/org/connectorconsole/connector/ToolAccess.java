package org.connectorconsole.connector;

import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.internal.AccessRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Reads what deciding a member's effective tools needs, in three queries whatever the numbers (decision 0055), for
 * callers that have established the member and pass their organization (the tool runner, conversations, the
 * gateway, the members' and owners' services). The decision itself is {@link ToolAccessRules#decide}.
 */
@Component
public class ToolAccess {

    private final AccessRepository repository;

    ToolAccess(AccessRepository repository) {
        this.repository = repository;
    }

    /** The member's standing with every connector of the organization. */
    @Transactional(readOnly = true)
    public MemberTools forMember(OrganizationId orgId, UserId userId) {
        AccessRepository.MemberRows rows = repository.memberRows(orgId, userId, null);
        return new MemberTools(rows.connectors(), rows.grants(), rows.tools());
    }

    /**
     * The member's standing with one connector: one statement (one snapshot), so no transaction of its own
     * (decision 0072).
     */
    public MemberTools forConnector(OrganizationId orgId, UserId userId, ConnectorId connectorId) {
        AccessRepository.MemberRows rows = repository.memberRowsFor(orgId, userId, connectorId);
        return new MemberTools(rows.connectors(), rows.grants(), rows.tools());
    }

    /** One tool's effective mode for the member, as the database says now. */
    public EffectiveMode decide(OrganizationId orgId, UserId userId, ConnectorId connectorId, String tool) {
        return forConnector(orgId, userId, connectorId).mode(connectorId, tool);
    }
}
