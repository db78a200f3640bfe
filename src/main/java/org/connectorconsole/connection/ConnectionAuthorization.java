package org.connectorconsole.connection;

import static org.connectorconsole.connection.ConnectionAccess.clean;
import static org.connectorconsole.connection.ConnectionAccess.resourceOf;
import static org.connectorconsole.connection.ConnectionAccess.trim;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.PendingAuthorization;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.oauth.AuthorizationRequests;
import org.connectorconsole.oauth.AuthorizationResponses;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.DiscoveryException;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.oauth.TokenEndpoint;
import org.connectorconsole.oauth.TokenSet;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The MCP authorization flow for a member: the start (discovery, the client, PKCE and a single-use state stored
 * in the database) and the callback (the pending authorization checked and spent, the code exchanged, the grant
 * stored). No network call runs inside a database transaction, so the blocks here commit before each one.
 */
@Component
class ConnectionAuthorization {

    static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(ConnectionAuthorization.class);

    private final ConnectionRepository repository;
    private final ConnectorDirectory connectors;
    private final ConnectionAccess access;
    private final ConnectionClients clients;
    private final SealedTokens sealedTokens;
    private final TokenRevocation revocation;
    private final SecretSealer sealer;
    private final Egress egress;
    private final AuditService audit;
    private final ConnectionBackground background;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration timeout;

    ConnectionAuthorization(ConnectionRepository repository, ConnectorDirectory connectors, ConnectionAccess access,
            ConnectionClients clients, SealedTokens sealedTokens, TokenRevocation revocation, SecretSealer sealer,
            Egress egress, AuditService audit, ConnectionBackground background, TransactionTemplate tx, Clock clock,
            @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.repository = repository;
        this.connectors = connectors;
        this.access = access;
        this.clients = clients;
        this.sealedTokens = sealedTokens;
        this.revocation = revocation;
        this.sealer = sealer;
        this.egress = egress;
        this.audit = audit;
        this.background = background;
        this.tx = tx;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** {@link #start} on a background thread; {@code onStart} or {@code onFailure} (a message) runs there. */
    void startInBackground(Member member, ConnectorDirectory.Target target, String back, String redirectUri,
            Consumer<ConnectStart> onStart, Consumer<String> onFailure) {
        background.run(() -> {
            try {
                onStart.accept(start(member, target, back, redirectUri));
            } catch (OAuthFlowException e) {
                onFailure.accept("Connecting to " + target.connector().name() + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                log.error("Connecting to connector {} failed unexpectedly", target.connector().id(), e);
                onFailure.accept("Connecting to " + target.connector().name() + " failed unexpectedly. Try again; "
                        + "if it keeps failing, tell an owner of your organization.");
            }
        });
    }

    /** Starts connecting: the address to send the browser to, or none when the server needs no sign-in. */
    ConnectStart start(Member member, ConnectorDirectory.Target target, String back, String redirectUri)
            throws OAuthFlowException {
        ConnectorId connectorId = target.connector().id();
        EgressClient client = egress.forOrganization(member.orgId());
        URI url = URI.create(target.connector().url());
        Optional<AuthorizationTarget> discovered = AuthorizationTargets.discover(client, url, timeout);
        if (discovered.isEmpty()) {
            return ConnectStart.noSignInNeeded();
        }
        AuthorizationTarget at = discovered.get();
        OAuthClient oauthClient = clients.forAuthorization(member, target, at, redirectUri);
        StoredConnection existing = access.find(member, connectorId).orElse(null);
        // a reconnect or step-up asks for the union of what was asked for before and what is challenged now
        Set<String> previous = new java.util.LinkedHashSet<>();
        if (existing != null) {
            previous.addAll(AuthorizationTarget.split(existing.scope()));
            previous.addAll(AuthorizationTarget.split(existing.requiredScope()));
        }
        Set<String> scopes = at.scopes(previous);
        AuthorizationRequests.Started started = AuthorizationRequests.start(at, oauthClient, redirectUri, scopes);
        String stateHash = Tokens.sha256Hex(started.state());
        OffsetDateTime now = access.now();
        PendingAuthorization pending = new PendingAuthorization(stateHash, member.orgId(), connectorId,
                member.userId(), sealer.seal(started.codeVerifier(), verifierContext(stateHash)),
                at.server().issuer(), resourceOf(target.connector()),
                at.server().authorizationResponseIssParameterSupported(), oauthClient.clientId(), redirectUri,
                String.join(" ", scopes), existing == null ? 0 : existing.stepUps(), back,
                now.plus(PENDING_LIFETIME).toInstant(), at.resource());
        tx.executeWithoutResult(s -> {
            repository.deleteExpiredPending(now);
            repository.insertPending(pending, now);
        });
        return new ConnectStart(started.authorizationUrl());
    }

    /**
     * The authorization server sent the browser back. The pending authorization is taken out of the database
     * (so a replayed callback finds nothing), checked against the signed-in member, the issuer ({@code iss},
     * RFC 9207), the connector (still enabled, same URL) and its lifetime; then the code is exchanged with the
     * PKCE verifier and {@code resource}.
     */
    CallbackOutcome complete(Member member, String state, String code, String iss, String error,
            String errorDescription) {
        if (state == null || state.isBlank() || state.length() > 512) {
            return failed(null, "The sign-in answer carries no valid state. Start again from Connectors.", null);
        }
        String stateHash = Tokens.sha256Hex(state);
        PendingAuthorization pending = tx.execute(s -> repository.consumePending(stateHash).orElse(null));
        if (pending == null) {
            return failed(null, "This sign-in answer was already used or has expired. Start again from "
                    + "Connectors.", null);
        }
        String returnTo = pending.returnTo();
        ConnectorId connectorId = pending.connectorId();
        if (!pending.userId().equals(member.userId()) || !pending.orgId().equals(member.orgId())) {
            audit(member, connectorId, null, AuditAction.CONNECTION_CALLBACK_REFUSED,
                    Map.of("reason", "started by another account"));
            return failed(null, "This sign-in was started by another account. Start again from Connectors while "
                    + "signed in as yourself.", null);
        }
        ConnectorDirectory.Target target;
        try {
            target = access.usableConnector(member, connectorId);
        } catch (NotFoundException | AccessDeniedException e) {
            return failed(null, e.getMessage(), returnTo);
        }
        CallbackOutcome refused = refusal(member, target, pending, code, iss, error, errorDescription);
        if (refused != null) {
            return refused;
        }
        return exchange(member, target, pending, state, code);
    }

    /** Why the answer cannot be exchanged (audited where it may be an attack); null when it can. */
    private CallbackOutcome refusal(Member member, ConnectorDirectory.Target target, PendingAuthorization pending,
            String code, String iss, String error, String errorDescription) {
        String name = target.connector().name();
        String returnTo = pending.returnTo();
        if (!AuthorizationResponses.issuerAccepted(iss, pending.issuer(), pending.issRequired())) {
            audit(member, pending.connectorId(), name, AuditAction.CONNECTION_CALLBACK_REFUSED,
                    Map.of("reason", "issuer mismatch", "expectedIssuer", pending.issuer()));
            return failed(name, "The sign-in answer did not come from " + pending.issuer()
                    + " as expected (issuer " + (iss == null ? "missing" : clean(iss))
                    + "). Nothing was connected; start again.", returnTo);
        }
        if (error != null && !error.isBlank()) {
            String what = "access_denied".equals(error) ? "You did not allow the console access to " + name + "."
                    : "The authorization server reported an error (" + clean(error) + ")"
                            + (errorDescription == null ? "." : ": " + clean(errorDescription));
            return failed(name, what + " Nothing was connected.", returnTo);
        }
        if (!resourceOf(target.connector()).equals(pending.resource())) {
            return failed(name, "The connector's address changed while you were signing in. Nothing was "
                    + "connected; connect again.", returnTo);
        }
        if (pending.expiresAt().isBefore(clock.instant())) {
            return failed(name, "The sign-in took longer than " + PENDING_LIFETIME.toMinutes()
                    + " minutes and expired. Connect again.", returnTo);
        }
        if (code == null || code.isBlank() || code.length() > 4096) {
            return failed(name, "The sign-in answer carries no authorization code. Connect again.", returnTo);
        }
        return null;
    }

    /** Exchanges the code and stores the grant, unless the connector or membership changed meanwhile. */
    private CallbackOutcome exchange(Member member, ConnectorDirectory.Target target, PendingAuthorization pending,
            String state, String code) {
        String name = target.connector().name();
        String returnTo = pending.returnTo();
        EgressClient client = egress.forOrganization(member.orgId());
        try {
            AuthorizationServerMetadata as = AuthorizationTargets.server(client, pending.issuer(),
                    URI.create(target.connector().url()));
            OAuthClient chosen = clients.stored(target, as, pending.clientId(), null)
                    .orElseThrow(() -> new OAuthFlowException("The connector's OAuth client changed while you were "
                            + "signing in. Connect again."));
            String verifier = sealer.open(pending.codeVerifier(), verifierContext(pending.stateHash()));
            Granted granted = exchangeCode(client, as, chosen, pending, state, code, verifier);
            Boolean reconnect = tx.execute(s -> store(member, pending, granted.tokens(), granted.client()));
            if (reconnect == null) {
                // the owner disabled the connector, changed its address or removed the member meanwhile: these
                // tokens must not live on
                revocation.revokeQuietly(member.orgId(), pending.issuer(), Optional.of(granted.client()),
                        granted.tokens().refreshToken(), granted.tokens().accessToken());
                return failed(name, "The connector or your membership changed while you were signing in. Nothing "
                        + "was connected.", returnTo);
            }
            return new CallbackOutcome(true, name, (reconnect ? "Reconnected to " : "Connected to ") + name + ".",
                    returnTo);
        } catch (OAuthFlowException | DiscoveryException e) {
            audit(member, pending.connectorId(), name, AuditAction.CONNECTION_FAILED,
                    Map.of("reason", trim(e.getMessage())));
            return failed(name, "Connecting to " + name + " failed: " + e.getMessage(), returnTo);
        }
    }

    /** The tokens granted, and the client (as it authenticated) that received them. */
    private record Granted(TokenSet tokens, OAuthClient client) {
    }

    private Granted exchangeCode(EgressClient client, AuthorizationServerMetadata as, OAuthClient chosen,
            PendingAuthorization pending, String state, String code, String verifier) throws OAuthFlowException {
        try {
            try {
                return new Granted(TokenEndpoint.exchange(client, as, chosen, pending.redirectUri(), code, verifier,
                        state, resourceIndicator(pending), timeout), chosen);
            } catch (OAuthFlowException e) {
                // An owner's client may be registered for client_secret_post where the server offers both:
                // client authentication fails before the code is looked at, so the code is still good.
                if (!e.isInvalidClient() || chosen.source() != OAuthClient.Source.OWNER
                        || !OAuthClient.BASIC.equals(chosen.authMethod())
                        || !(as.tokenEndpointAuthMethodsSupported().isEmpty()
                                || as.tokenEndpointAuthMethodsSupported().contains(OAuthClient.POST))) {
                    throw e;
                }
                OAuthClient post = new OAuthClient(chosen.clientId(), chosen.clientSecret(), OAuthClient.POST,
                        OAuthClient.Source.OWNER);
                return new Granted(TokenEndpoint.exchange(client, as, post, pending.redirectUri(), code, verifier,
                        state, resourceIndicator(pending), timeout), post);
            }
        } catch (OAuthFlowException e) {
            if (e.isInvalidClient() && chosen.source() == OAuthClient.Source.DYNAMIC) {
                clients.forget(pending.connectorId(), pending.issuer(), chosen.clientId());
                throw new OAuthFlowException("The authorization server no longer knows the console's "
                        + "registration. It has been renewed: click Connect again.", e.error(), e);
            }
            throw e;
        }
    }

    /**
     * Stores the grant, with the connector share-locked (an owner's concurrent disable or address change either
     * waits and then ends this connection, or went first and is seen here), and likewise the membership (the
     * member was checked before the code exchange; an owner may have removed them since). Null when the connector
     * changed or the person is no longer a member. Runs in the caller's explicit transaction: the locks must be
     * held until the grant and its audit event commit together.
     */
    private Boolean store(Member member, PendingAuthorization pending, TokenSet tokens, OAuthClient client) {
        Optional<Connector> connector = connectors.lockShared(member.orgId(), pending.connectorId());
        if (connector.isEmpty() || !connector.get().enabled()
                || !resourceOf(connector.get()).equals(pending.resource())) {
            return null;
        }
        if (!repository.lockMembershipShared(member.orgId(), member.userId())) {
            return null;
        }
        boolean existed = repository.find(member.orgId(), pending.connectorId(), member.userId()).isPresent();
        OffsetDateTime now = access.now();
        UUID id = repository.lockOrCreate(member.orgId(), pending.connectorId(), member.userId(), pending.issuer(),
                client.clientId(), client.authMethod(), now);
        Set<String> scopes = tokens.scopes().isEmpty() ? AuthorizationTarget.split(pending.scope()) : tokens.scopes();
        repository.saveGrant(id, pending.issuer(), client.clientId(), client.authMethod(),
                sealedTokens.seal(tokens.accessToken(), SealedTokens.ACCESS, member.orgId(), id),
                sealedTokens.seal(tokens.refreshToken(), SealedTokens.REFRESH, member.orgId(), id),
                String.join(" ", scopes), pending.stepUps(), tokens.expiresAt(), resourceIndicator(pending), now);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("issuer", pending.issuer());
        details.put("scope", String.join(" ", scopes));
        details.put("client", client.source().name().toLowerCase());
        details.put("authMethod", client.authMethod());
        details.put("refreshToken", tokens.refreshToken() == null ? "none" : "issued");
        audit.record(AuditRecord.of(member.orgId(), member.actor(),
                        existed ? AuditAction.CONNECTION_REAUTHORIZED : AuditAction.CONNECTION_CONNECTED)
                .target("connector", pending.connectorId().toString(), connector.get().name()).details(details));
        return existed;
    }

    private void audit(Member member, ConnectorId connectorId, String name, AuditAction action,
            Map<String, String> details) {
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(), action)
                .target("connector", connectorId.toString(), name).details(details)));
    }

    private static CallbackOutcome failed(String name, String message, String returnTo) {
        return new CallbackOutcome(false, name, message, returnTo == null ? MemberConnectorsPath.PATH : returnTo);
    }

    /** The resource indicator sent in the authorization request (the connector URL for rows from before V12). */
    private static String resourceIndicator(PendingAuthorization pending) {
        return pending.resourceIndicator() != null ? pending.resourceIndicator() : pending.resource();
    }

    private static String verifierContext(String stateHash) {
        return "pending.code_verifier|" + stateHash;
    }
}
