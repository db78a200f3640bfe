package org.connectorconsole.connector;

import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connector.internal.ConnectorRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read access to an organization's connectors for the members' side (connections). Callers have already
 * established the member and pass their organization: every lookup is scoped by it. The client secret is opened
 * only to be sent to the connector's own token endpoint.
 */
@Component
public class ConnectorDirectory {

    /**
     * A connector with the owner's OAuth credentials, for the token requests of its connections, and the issuer they
     * are bound to (null until first used).
     */
    public record Target(OrganizationId orgId, Connector connector, String clientSecret, String clientIssuer) {
        @Override
        public String toString() {
            return "Target[" + connector.id() + ", " + connector.url() + "]";
        }
    }

    private final ConnectorRepository repository;
    private final SecretSealer sealer;

    ConnectorDirectory(ConnectorRepository repository, SecretSealer sealer) {
        this.repository = repository;
        this.sealer = sealer;
    }

    public List<Connector> list(OrganizationId orgId) {
        return repository.list(orgId);
    }

    /** The connector, share-locked until the caller's transaction ends (see the repository). */
    public Optional<Connector> lockShared(OrganizationId orgId, ConnectorId id) {
        return repository.findShared(orgId, id);
    }

    /**
     * Each connector's key in the organization: fixed when the connector was added (not its display name), unique
     * in the organization, lower-case letters and digits joined by single hyphens (never "__"), at most 32 long.
     */
    public java.util.Map<ConnectorId, String> keys(OrganizationId orgId) {
        return repository.keys(orgId);
    }

    /** The connector with its client credentials ({@link Connector#connectedMembers()} is not counted here: 0). */
    public Optional<Target> find(OrganizationId orgId, ConnectorId id) {
        return repository.findForUse(orgId, id).map(stored -> new Target(orgId, stored.connector(),
                stored.sealedClientSecret() == null ? null
                        : sealer.open(stored.sealedClientSecret(), ConnectorService.secretContext(orgId, id)),
                stored.clientIssuer()));
    }

    /** Whether the connector is switched on now (false when there is no such connector): one small read. */
    public boolean enabled(OrganizationId orgId, ConnectorId id) {
        return repository.enabled(orgId, id).orElse(false);
    }

    /**
     * Binds the owner's client credentials to the issuer they are about to be used with, unless already bound;
     * the issuer they are bound to now (empty when the connector no longer has that client ID).
     */
    @Transactional
    public Optional<String> bindClientIssuer(OrganizationId orgId, ConnectorId id, String clientId, String issuer) {
        return repository.bindClientIssuer(orgId, id, clientId, issuer);
    }
}
