package org.connectorconsole.connection;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredClient;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.ClientChoice;
import org.connectorconsole.oauth.ClientRegistrar;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.Member;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The OAuth client the console uses for a connector: the owner's, the console's metadata document, or one
 * registered dynamically (once per connector, issuer and redirect URI, its secret sealed).
 */
@Component
class ConnectionClients {

    private final ConnectionRepository repository;
    private final ConsoleAddress address;
    private final SecretSealer sealer;
    private final Egress egress;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final ConnectionAccess access;
    private final ConnectorDirectory connectors;
    private final Duration timeout;

    ConnectionClients(ConnectionRepository repository, ConsoleAddress address, SecretSealer sealer, Egress egress,
            AuditService audit, TransactionTemplate tx, ConnectionAccess access, ConnectorDirectory connectors,
            @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.connectors = connectors;
        this.repository = repository;
        this.address = address;
        this.sealer = sealer;
        this.egress = egress;
        this.audit = audit;
        this.tx = tx;
        this.access = access;
        this.timeout = timeout;
    }

    /**
     * The client to start an authorization with ({@link ClientChoice}: one per issuer, the owner's only at the issuer
     * they are bound to), registering one at this issuer when the connector has none there yet. The owner's
     * credentials are bound to this issuer here when they are not bound yet, before anything is sent.
     */
    OAuthClient forAuthorization(Member member, ConnectorDirectory.Target target, AuthorizationTarget at,
            String redirectUri) throws OAuthFlowException {
        Connector c = target.connector();
        ClientChoice.OwnerCredentials owner = null;
        if (c.oauthClientId() != null) {
            String bound = target.clientIssuer() != null ? target.clientIssuer()
                    : connectors.bindClientIssuer(member.orgId(), c.id(), c.oauthClientId(), at.server().issuer())
                            .orElseThrow(() -> new OAuthFlowException("The connector's client ID changed while "
                                    + "you were connecting. Connect again."));
            owner = new ClientChoice.OwnerCredentials(c.oauthClientId(), target.clientSecret(), bound);
        }
        return ClientChoice.choose(at, owner, address.clientMetadataDocument().orElse(null),
                (issuer, registration) -> {
                    Optional<StoredClient> known = tx.execute(s -> repository.findClientFor(c.id(), issuer,
                            redirectUri));
                    if (known.isPresent()) {
                        return open(member.orgId(), c.id(), issuer, known.get());
                    }
                    return register(member, target, issuer, registration, redirectUri);
                }, egress.forOrganization(member.orgId()), redirectUri, timeout);
    }

    private OAuthClient register(Member member, ConnectorDirectory.Target target, String issuer,
            ClientChoice.Registration registration, String redirectUri) throws OAuthFlowException {
        Connector c = target.connector();
        // Registered once per connector, issuer and redirect URI, even when several members (or instances) connect
        // at once: the advisory lock makes the others wait and then find it. (Registration is one bounded request.)
        // An explicit block, not @Transactional: the lock must be held over that request, and the checked
        // OAuthFlowException must leave the block as a value.
        Object result = tx.execute(s -> {
            repository.lockRegistration(c.id());
            Optional<StoredClient> stored = repository.findClientFor(c.id(), issuer, redirectUri);
            if (stored.isPresent()) {
                return open(member.orgId(), c.id(), issuer, stored.get());
            }
            try {
                OAuthClient registered = registration.register();
                repository.saveClient(member.orgId(), c.id(), issuer, registered.clientId(),
                        registered.clientSecret() == null ? null : sealer.seal(registered.clientSecret(),
                                clientContext(member.orgId(), c.id(), issuer)),
                        registered.authMethod(), redirectUri, access.now());
                audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.CONNECTOR_CLIENT_REGISTERED)
                        .target("connector", c.id().toString(), c.name())
                        .details(Map.of("issuer", issuer, "clientId", registered.clientId(),
                                "authMethod", registered.authMethod())));
                return registered;
            } catch (OAuthFlowException e) {
                return e;
            }
        });
        if (result instanceof OAuthFlowException e) {
            throw e;
        }
        return (OAuthClient) result;
    }

    /**
     * The client a connection was made with, if the connector still has it. With {@code as} null (no network
     * wanted), an owner's confidential client needs its stored method.
     */
    Optional<OAuthClient> stored(ConnectorDirectory.Target target, AuthorizationServerMetadata as, String clientId,
            String knownMethod) {
        Connector c = target.connector();
        if (c.oauthClientId() != null) {
            if (!c.oauthClientId().equals(clientId)) {
                return Optional.empty();
            }
            if (as != null && target.clientIssuer() != null && !target.clientIssuer().equals(as.issuer())) {
                // bound to another authorization server: never sent to this one
                return Optional.empty();
            }
            if (target.clientSecret() == null) {
                return Optional.of(new OAuthClient(clientId, null, OAuthClient.NONE, OAuthClient.Source.OWNER));
            }
            if (knownMethod != null && !OAuthClient.NONE.equals(knownMethod)) {
                return Optional.of(new OAuthClient(clientId, target.clientSecret(), knownMethod,
                        OAuthClient.Source.OWNER));
            }
            try {
                return as == null ? Optional.empty()
                        : Optional.of(ClientRegistrar.owners(clientId, target.clientSecret(), as));
            } catch (OAuthFlowException e) {
                return Optional.empty();
            }
        }
        if (address.clientMetadataDocument().filter(clientId::equals).isPresent()) {
            return Optional.of(ClientRegistrar.metadataDocument(clientId));
        }
        return registered(target, as == null ? null : as.issuer(), clientId);
    }

    // an explicit block: called from this class, where a @Transactional method would not be proxied
    private Optional<OAuthClient> registered(ConnectorDirectory.Target target, String issuerOrNull,
            String clientId) {
        return tx.execute(s -> {
            if (issuerOrNull == null) {
                return Optional.<OAuthClient>empty();
            }
            return repository.findClientById(target.connector().id(), issuerOrNull, clientId)
                    .map(stored -> open(target.orgId(), target.connector().id(), issuerOrNull, stored));
        });
    }

    /** The client of a stored connection, from the database only (no network): for revocation. */
    Optional<OAuthClient> of(ConnectorDirectory.Target target, StoredConnection row) {
        return stored(target, null, row.clientId(), row.authMethod())
                .or(() -> registered(target, row.issuer(), row.clientId()));
    }

    /** The server no longer knows this registration: dropped, so the next Connect registers afresh. */
    @Transactional
    void forget(ConnectorId connectorId, String issuer, String clientId) {
        repository.deleteClient(connectorId, issuer, clientId);
    }

    private OAuthClient open(OrganizationId orgId, ConnectorId connectorId, String issuer, StoredClient stored) {
        String secret = stored.sealedSecret() == null ? null
                : sealer.open(stored.sealedSecret(), clientContext(orgId, connectorId, issuer));
        return new OAuthClient(stored.clientId(), secret, stored.authMethod(), OAuthClient.Source.DYNAMIC);
    }

    static String clientContext(OrganizationId orgId, ConnectorId connectorId, String issuer) {
        return "connector_oauth_client.client_secret|" + orgId + "|" + connectorId + "|" + issuer;
    }
}
