package org.connectorconsole.connection;

import static org.connectorconsole.connection.ConnectionAccess.resourceOf;
import static org.connectorconsole.connection.ConnectionAccess.trim;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connection.ConnectionRefusals.ReauthenticationNeeded;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connection.internal.EnterpriseManagedRepository;
import org.connectorconsole.connection.internal.EnterpriseStateRepository;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.ClientChoice;
import org.connectorconsole.oauth.ClientRegistrar;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization.IdJag;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization.IdentityProvider;
import org.connectorconsole.oauth.IdentityProviderRefusedException;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.oauth.TokenSet;
import org.connectorconsole.security.Member;
import org.connectorconsole.security.SsoAssertions;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enterprise-managed connections (SEP-990) for the member the caller already acts for: connecting without a click
 * ({@link #connect}) and renewing an expired token the same way ({@link #renew}, from {@link ConnectionTokens}).
 * The member's ID token ({@link SsoAssertions}) is exchanged at the organization's identity provider for an
 * ID-JAG, which the connector's authorization server redeems for the connector's owner-entered client. The
 * resulting access token is stored and used like any connection's (sealed, bound to its row). Refusals are
 * stored on the connection row as its reason, shown to the member, and audited; no transaction spans an HTTP call.
 */
@Component
class EnterpriseConnections {

    /** What happened for one connector when the member's page opened. */
    record Outcome(boolean connected, String message, String detail, boolean canAsk, boolean paused) {
        Outcome(boolean connected, String message, String detail) {
            this(connected, message, detail, false, false);
        }
    }

    private final EnterpriseManagedRepository settings;
    private final EnterpriseStateRepository state;
    private final Duration refusalBackoff;
    private final ConnectionRepository repository;
    private final ConnectionAccess access;
    private final SealedTokens sealed;
    private final SsoAssertions assertions;
    private final SecretSealer sealer;
    private final Egress egress;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Duration timeout;

    EnterpriseConnections(EnterpriseManagedRepository settings, ConnectionRepository repository,
            ConnectionAccess access, SealedTokens sealed, SsoAssertions assertions, SecretSealer sealer, Egress egress,
            AuditService audit, TransactionTemplate tx,
            @Value("${console.connections.timeout:10s}") Duration timeout, EnterpriseStateRepository state,
            @Value("${console.enterprise.refusal-backoff:15m}") Duration refusalBackoff) {
        this.settings = settings;
        this.state = state;
        this.refusalBackoff = refusalBackoff;
        this.repository = repository;
        this.access = access;
        this.sealed = sealed;
        this.assertions = assertions;
        this.sealer = sealer;
        this.egress = egress;
        this.audit = audit;
        this.tx = tx;
        this.timeout = timeout;
    }

    static String secretContext(org.connectorconsole.base.OrganizationId orgId) {
        return "org_token_exchange.client_secret|" + orgId;
    }

    /** The organization's identity provider for token exchange, when an owner switched it on. */
    Optional<IdentityProvider> identityProvider(org.connectorconsole.base.OrganizationId orgId) {
        return settings.exchange(orgId).filter(EnterpriseManagedRepository.StoredExchange::enabled)
                .map(s -> new IdentityProvider(URI.create(s.tokenEndpoint()), s.clientId(),
                        s.sealedSecret() == null ? null : sealer.open(s.sealedSecret(), secretContext(orgId))));
    }

    /**
     * Why the console must not connect the member to {@code target} by itself now, as the page says it: they
     * disconnected (until they ask again), or the last attempt was refused with the ID token they still have and the
     * back-off has not passed (no call, no audit row: decision 0063). Empty when it may try.
     */
    Optional<Outcome> heldBack(Member member, ConnectorDirectory.Target target) {
        EnterpriseStateRepository.State held = state.find(member.orgId(), target.connector().id(), member.userId())
                .orElse(null);
        if (held == null) {
            return Optional.empty();
        }
        String name = target.connector().name();
        if (held.pausedAt() != null) {
            return Optional.of(new Outcome(false, "You disconnected from " + name + ": you stay disconnected until "
                    + "you choose Connect through your organization's sign-in.", null, true, true));
        }
        if (held.refusedAt() == null) {
            return Optional.empty();
        }
        byte[] current = assertions.current(member.userId()).map(a -> fingerprint(a.idToken())).orElse(null);
        boolean sameSignIn = current != null && java.security.MessageDigest.isEqual(current,
                held.refusedTokenHash());
        if (sameSignIn && access.now().isBefore(held.refusedAt().plus(refusalBackoff))) {
            return Optional.of(new Outcome(false, held.message(), held.detail(), true, false));
        }
        return Optional.empty();
    }

    /** The member asked to be connected again: a pause or a remembered refusal no longer holds. */
    void forget(Member member, ConnectorDirectory.Target target) {
        tx.executeWithoutResult(s -> state.clear(member.orgId(), target.connector().id(), member.userId()));
    }

    static byte[] fingerprint(String idToken) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(idToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Connects the member to {@code target} through the organization's sign-in: nothing is asked of the member.
     * Returns what the member's page says.
     */
    Outcome connect(Member member, ConnectorDirectory.Target target) {
        String name = target.connector().name();
        IdentityProvider idp = identityProvider(member.orgId()).orElse(null);
        if (idp == null) {
            return new Outcome(false, "Your organization has not set up its sign-in for connectors yet.", null);
        }
        Optional<SsoAssertions.Assertion> assertion = assertions.current(member.userId());
        if (assertion.isEmpty()) {
            return new Outcome(false, "Sign in with your organization's single sign-on to be connected to " + name
                    + ".", null);
        }
        EgressClient client = egress.forOrganization(member.orgId());
        AuthorizationTarget found;
        OAuthClient oauthClient;
        try {
            found = AuthorizationTargets.discoverForGrant(client, URI.create(target.connector().url()), timeout)
                    .orElse(null);
            if (found == null) {
                return new Outcome(false, name + " needs no sign-in.", null);
            }
            oauthClient = clientFor(target, found.server());
        } catch (OAuthFlowException e) {
            return refused(member, target, assertion.get(), "authorization_server", null, name + " cannot be "
                    + "connected through your organization's sign-in: " + e.getMessage(), null);
        }
        TokenSet tokens;
        Set<String> scopes = found.scopes(Set.of());
        try {
            IdJag grant = EnterpriseManagedAuthorization.requestGrant(client, idp, assertion.get().idToken(),
                    found.server().issuer(), found.resource(), scopes, timeout);
            tokens = EnterpriseManagedAuthorization.redeem(client, found.server(), oauthClient, grant, timeout);
        } catch (IdentityProviderRefusedException e) {
            return refused(member, target, assertion.get(), "identity_provider", e.error(), refusalSentence(name),
                    e.description());
        } catch (OAuthFlowException e) {
            return refused(member, target, assertion.get(), "authorization_server", e.error(), name + " did not "
                    + "accept your organization's sign-in: " + e.getMessage(), null);
        }
        Set<String> granted = tokens.scopes().isEmpty() ? scopes : tokens.scopes();
        tx.executeWithoutResult(s -> {
            OffsetDateTime now = access.now();
            UUID id = repository.lockOrCreate(member.orgId(), target.connector().id(), member.userId(),
                    found.server().issuer(), oauthClient.clientId(), oauthClient.authMethod(), now);
            repository.saveGrant(id, found.server().issuer(), oauthClient.clientId(), oauthClient.authMethod(),
                    sealed.seal(tokens.accessToken(), SealedTokens.ACCESS, member.orgId(), id), null,
                    String.join(" ", granted), 0, tokens.expiresAt(), found.resource(), now);
            settings.markEnterpriseManaged(id);
            state.clear(member.orgId(), target.connector().id(), member.userId());
            audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.CONNECTION_ENTERPRISE_CONNECTED)
                    .target("connector", target.connector().id().toString(), name)
                    .details(connectedDetails(found.server().issuer(), granted, idp, false)));
        });
        return new Outcome(true, "Connected through your organization's sign-in.", null);
    }

    /**
     * Exchanges again for a connection whose token expired or was refused (the caller holds the row's renewal
     * claim). A refusal ends the connection's use until the member signs in again or the provider allows it.
     */
    TokenSet renew(Member member, ConnectorDirectory.Target target, StoredConnection row)
            throws OAuthFlowException, ReauthenticationNeeded {
        String name = target.connector().name();
        IdentityProvider idp = identityProvider(member.orgId()).orElse(null);
        Optional<SsoAssertions.Assertion> assertion = assertions.current(member.userId());
        if (idp == null || assertion.isEmpty()) {
            needsReauth(row, idp == null ? "Your organization switched off its sign-in for connectors."
                    : "Your organization's sign-in expired: sign in again to be reconnected to " + name + ".");
            throw new ReauthenticationNeeded();
        }
        EgressClient client = egress.forOrganization(member.orgId());
        String resource = row.resourceIndicator() != null ? row.resourceIndicator() : resourceOf(target.connector());
        TokenSet tokens;
        try {
            AuthorizationServerMetadata as = AuthorizationTargets.server(client, row.issuer(),
                    URI.create(target.connector().url()));
            OAuthClient oauthClient = clientFor(target, as);
            IdJag grant = EnterpriseManagedAuthorization.requestGrant(client, idp, assertion.get().idToken(),
                    as.issuer(), resource, org.connectorconsole.oauth.AuthorizationTarget.split(row.scope()),
                    timeout);
            tokens = EnterpriseManagedAuthorization.redeem(client, as, oauthClient, grant, timeout);
        } catch (IdentityProviderRefusedException e) {
            Outcome outcome = refused(member, target, assertion.get(), "identity_provider", e.error(),
                    refusalSentence(name), e.description());
            needsReauth(row, outcome.message() + (e.description() == null ? "" : " " + e.description()));
            throw new ReauthenticationNeeded();
        } catch (OAuthFlowException e) {
            tx.executeWithoutResult(s -> repository.releaseRefresh(row.id()));
            throw e;
        } catch (org.connectorconsole.oauth.DiscoveryException e) {
            tx.executeWithoutResult(s -> repository.releaseRefresh(row.id()));
            throw new OAuthFlowException(e.getMessage(), null, e);
        }
        audit(member, target, AuditAction.CONNECTION_ENTERPRISE_CONNECTED,
                connectedDetails(row.issuer(), tokens.scopes(), idp, true));
        return tokens;
    }

    /** The connector's own client at its authorization server (entered by an owner; bound to its issuer). */
    private static OAuthClient clientFor(ConnectorDirectory.Target target, AuthorizationServerMetadata as)
            throws OAuthFlowException {
        if (!as.supportsJwtBearerGrant()) {
            throw new OAuthFlowException("its authorization server " + as.issuer() + " does not accept the "
                    + "organization's grant (no JWT bearer grant in its metadata).");
        }
        String clientId = target.connector().oauthClientId();
        if (clientId == null || clientId.isBlank()) {
            throw new OAuthFlowException("an owner must enter the client ID (and secret) the console has at "
                    + as.issuer() + " in the connector's Advanced settings.");
        }
        ClientChoice.requireBound(new ClientChoice.OwnerCredentials(clientId, target.clientSecret(),
                target.clientIssuer()), as.issuer());
        return ClientRegistrar.owners(clientId, target.clientSecret(), as);
    }

    static String refusalSentence(String connectorName) {
        return "Your organization's identity provider did not allow access to " + connectorName + ".";
    }

    private Outcome refused(Member member, ConnectorDirectory.Target target, SsoAssertions.Assertion assertion,
            String by, String error, String message, String description) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("by", by);
        if (error != null) {
            details.put("error", error);
        }
        if (description != null) {
            details.put("description", trim(description));
        }
        if (!"identity_provider".equals(by)) {
            details.put("reason", trim(message));
        }
        // remembered with the refused ID token's fingerprint, in the audit row's transaction: the next visits show
        // it without asking again until the member asks, signs in again or the back-off passes
        tx.executeWithoutResult(s -> {
            state.refused(member.orgId(), target.connector().id(), member.userId(), fingerprint(assertion.idToken()),
                    trim(message), description == null ? null : trim(description), access.now());
            audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.CONNECTION_ENTERPRISE_REFUSED)
                    .target("connector", target.connector().id().toString(), target.connector().name())
                    .details(details));
        });
        return new Outcome(false, message, description, true, false);
    }

    private void needsReauth(StoredConnection row, String reason) {
        tx.executeWithoutResult(s -> {
            repository.setStatus(row.id(), ConnectionStatus.NEEDS_REAUTH, trim(reason), row.requiredScope(),
                    row.stepUps(), access.now());
            repository.releaseRefresh(row.id());
        });
    }

    private void audit(Member member, ConnectorDirectory.Target target, AuditAction action,
            Map<String, String> details) {
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(), action)
                .target("connector", target.connector().id().toString(), target.connector().name())
                .details(details)));
    }

    private static Map<String, String> connectedDetails(String issuer, Set<String> scopes, IdentityProvider idp,
            boolean renewal) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("issuer", issuer);
        details.put("scope", String.join(" ", scopes));
        details.put("idp", idp.tokenEndpoint().getHost());
        details.put("renewal", Boolean.toString(renewal));
        return details;
    }

}
