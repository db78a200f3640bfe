package org.connectorconsole.connection;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorRetired;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.db.tables.records.ConnectionRecord;
import org.connectorconsole.db.tables.records.PendingAuthorizationRecord;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.ProbeResult;
import org.connectorconsole.mcp.TransportKind;
import org.connectorconsole.oauth.AuthorizationDiscovery;
import org.connectorconsole.oauth.AuthorizationRequests;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.BearerChallenge;
import org.connectorconsole.oauth.ClientRegistrar;
import org.connectorconsole.oauth.DiscoveryException;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.oauth.TokenEndpoint;
import org.connectorconsole.oauth.TokenSet;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Members' connections to their organisation's connectors: the MCP authorization flow (discovery, client
 * registration, PKCE, state, resource, iss), tokens sealed in PostgreSQL, refresh with one refresher at a time,
 * a truthful status, disconnect with revocation. Every method acts for the signed-in member, within their
 * organisation, on their own connection only.
 */
@Service
public class ConnectionService implements DisposableBean {

    public static final Duration PENDING_LIFETIME = Duration.ofMinutes(10);
    public static final int MAX_STEP_UPS = 3;
    /** Refresh this long before the access token expires. */
    public static final Duration REFRESH_AHEAD = Duration.ofSeconds(60);
    private static final Logger log = LoggerFactory.getLogger(ConnectionService.class);

    private final CurrentMember currentMember;
    private final ConnectorDirectory connectors;
    private final ConnectionRepository repository;
    private final SecretSealer sealer;
    private final Egress egress;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final ConsoleAddress address;
    private final Duration timeout;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    ConnectionService(CurrentMember currentMember, ConnectorDirectory connectors, ConnectionRepository repository,
            SecretSealer sealer, Egress egress, AuditService audit, TransactionTemplate tx, Clock clock,
            ConsoleAddress address, @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.currentMember = currentMember;
        this.connectors = connectors;
        this.repository = repository;
        this.sealer = sealer;
        this.egress = egress;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.address = address;
        this.timeout = timeout;
    }

    // ------------------------------------------------------------------ listing and status

    /** Every enabled connector of the member's organisation, with the member's own connection state. */
    public List<MemberConnector> list() {
        Member member = member();
        return tx.execute(status -> {
            Map<UUID, ConnectionRecord> mine = new LinkedHashMap<>();
            for (ConnectionRecord row : repository.listForUser(member.orgId(), member.userId())) {
                mine.put(row.getConnectorId(), row);
            }
            List<MemberConnector> out = new ArrayList<>();
            for (Connector c : connectors.list(member.orgId())) {
                if (c.enabled()) {
                    out.add(view(c, mine.get(c.id().value())));
                }
            }
            return out;
        });
    }

    private static MemberConnector view(Connector c, ConnectionRecord row) {
        if (row == null) {
            boolean open = c.lastCheck() != null && c.lastCheck().outcome() == Diagnosis.Outcome.READY;
            return new MemberConnector(c.id(), c.name(), c.url(),
                    open ? MemberConnector.State.NO_SIGN_IN : MemberConnector.State.NOT_CONNECTED,
                    open ? "This server needs no sign-in." : null, Set.of(), null, null,
                    open ? c.lastCheck().tools() : List.of());
        }
        MemberConnector.State state = switch (ConnectionStatus.valueOf(row.getStatus())) {
            case CONNECTED -> MemberConnector.State.CONNECTED;
            case NEEDS_REAUTH -> MemberConnector.State.NEEDS_REAUTH;
            case FAILING -> MemberConnector.State.FAILING;
        };
        return new MemberConnector(c.id(), c.name(), c.url(), state, row.getStatusReason(),
                AuthorizationTarget.split(row.getScope()),
                row.getExpiresAt() == null ? null : row.getExpiresAt().toInstant(),
                row.getConnectedAt().toInstant(), List.of());
    }

    /**
     * Asks the server whether the member's connection works (bounded, in the background), updates the stored
     * status and reports the connector with its tools. For a connector without a connection, asks whether it
     * answers without sign-in.
     */
    public void check(ConnectorId connectorId, Consumer<MemberConnector> onResult) {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        background.execute(() -> onResult.accept(checkNow(member, target)));
    }

    /** The same check, on the calling thread (tests and the command line). */
    public MemberConnector checkNow(ConnectorId connectorId) {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        return checkNow(member, target);
    }

    private MemberConnector checkNow(Member member, ConnectorDirectory.Target target) {
        Connector c = target.connector();
        ConnectionRecord row = tx.execute(s -> repository.find(member.orgId(), c.id(), member.userId())
                .orElse(null));
        EgressClient client = egress.forOrganization(member.orgId());
        if (row == null) {
            try {
                ProbeResult result = McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, null);
                return view(c, null).withState(MemberConnector.State.NO_SIGN_IN, "This server needs no sign-in.",
                        result.tools());
            } catch (McpAuthorizationException e) {
                return view(c, null).withState(MemberConnector.State.NOT_CONNECTED, null, List.of());
            } catch (McpProbeException e) {
                return view(c, null).withState(MemberConnector.State.FAILING, "The server cannot be used right "
                        + "now: " + e.getMessage() + " If this persists, tell an owner of your organisation.",
                        List.of());
            }
        }
        if (ConnectionStatus.valueOf(row.getStatus()) == ConnectionStatus.NEEDS_REAUTH) {
            return view(c, row);
        }
        try {
            String token = accessToken(member, target, row.getId(), false);
            ProbeResult result = probeWithRefresh(member, target, row.getId(), token, client);
            tx.executeWithoutResult(s -> repository.markUsed(row.getId(), now()));
            ConnectionRecord fresh = tx.execute(s -> repository.lock(row.getId()).orElse(row));
            return view(c, fresh).withState(MemberConnector.State.CONNECTED, null, result.tools());
        } catch (ReauthenticationNeeded e) {
            return view(c, tx.execute(s -> repository.find(member.orgId(), c.id(), member.userId()).orElse(row)));
        } catch (McpProbeException | OAuthFlowException e) {
            String reason = "The server could not be used: " + e.getMessage()
                    + " Try again later; if it keeps failing, tell an owner of your organisation.";
            tx.executeWithoutResult(s -> repository.setStatus(row.getId(), ConnectionStatus.FAILING, trim(reason),
                    row.getRequiredScope(), row.getStepUps(), now()));
            return view(c, tx.execute(s -> repository.find(member.orgId(), c.id(), member.userId()).orElse(row)));
        }
    }

    /** Probes with the token; a 401 gets one forced refresh and one retry; a 403 insufficient_scope asks for a step-up. */
    private ProbeResult probeWithRefresh(Member member, ConnectorDirectory.Target target, UUID connectionId,
            String token, EgressClient client) throws McpProbeException, OAuthFlowException, ReauthenticationNeeded {
        Connector c = target.connector();
        try {
            return McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, token);
        } catch (McpAuthorizationException e) {
            if (e.status() == 401) {
                String refreshed = accessToken(member, target, connectionId, true);
                try {
                    return McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, refreshed);
                } catch (McpAuthorizationException again) {
                    throw needsReauth(member, c, connectionId, again);
                }
            }
            throw needsReauth(member, c, connectionId, e);
        }
    }

    private ReauthenticationNeeded needsReauth(Member member, Connector c, UUID connectionId,
            McpAuthorizationException e) {
        BearerChallenge challenge = BearerChallenge.parse(e.wwwAuthenticate()).orElse(null);
        ConnectionRecord row = tx.execute(s -> repository.lock(connectionId).orElseThrow());
        if (e.status() == 403 && challenge != null && "insufficient_scope".equals(challenge.error())) {
            int stepUps = row.getStepUps() + 1;
            String scope = challenge.scope();
            if (stepUps > MAX_STEP_UPS) {
                String reason = "The server keeps asking for more permissions than a sign-in grants (after "
                        + MAX_STEP_UPS + " attempts). Tell an owner of your organisation.";
                tx.executeWithoutResult(s -> repository.setStatus(connectionId, ConnectionStatus.FAILING, reason,
                        null, stepUps, now()));
            } else {
                String reason = "The server needs more permission" + (scope == null ? "" : " (" + scope + ")")
                        + " than you granted. Reconnect to grant it.";
                tx.executeWithoutResult(s -> repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH,
                        reason, scope, stepUps, now()));
            }
        } else {
            String reason = e.status() == 401
                    ? "The server no longer accepts your sign-in (it may have been revoked). Reconnect."
                    : "The server refuses your sign-in (HTTP " + e.status() + "). Reconnect; if that does not "
                            + "help, ask an owner of your organisation.";
            tx.executeWithoutResult(s -> repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH, reason,
                    row.getRequiredScope(), row.getStepUps(), now()));
        }
        return new ReauthenticationNeeded();
    }

    /** Thrown once the stored status says the member must sign in again. */
    static final class ReauthenticationNeeded extends Exception {
        ReauthenticationNeeded() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ tokens

    /**
     * The member's access token for the connector, refreshed first when it expires within a minute. For the
     * console's own calls to that connector only (tool calls, checks): never shown, never logged.
     */
    public String accessToken(ConnectorId connectorId) throws OAuthFlowException {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        ConnectionRecord row = tx.execute(s -> repository.find(member.orgId(), connectorId, member.userId())
                .orElseThrow(() -> new NotFoundException("You are not connected to " + target.connector().name()
                        + ".")));
        try {
            return accessToken(member, target, row.getId(), false);
        } catch (ReauthenticationNeeded e) {
            ConnectionRecord now = tx.execute(s -> repository.lock(row.getId()).orElse(row));
            throw new OAuthFlowException(now.getStatusReason() == null ? "Reconnect " + target.connector().name()
                    + "." : now.getStatusReason());
        }
    }

    private String accessToken(Member member, ConnectorDirectory.Target target, UUID connectionId, boolean force)
            throws OAuthFlowException, ReauthenticationNeeded {
        ConnectionRecord row = tx.execute(s -> repository.lock(connectionId).orElseThrow());
        if (!force && !expiresSoon(row)) {
            return openToken(row, "access");
        }
        // One refresher at a time, across instances: the row stays locked while the token endpoint is asked.
        // Whoever waited finds the new token and asks nothing.
        Object outcome = tx.execute(s -> {
            ConnectionRecord locked = repository.lock(connectionId).orElseThrow();
            boolean stillStale = force ? sameAccessToken(locked, row) : expiresSoon(locked);
            if (!stillStale) {
                return openToken(locked, "access");
            }
            if (ConnectionStatus.valueOf(locked.getStatus()) == ConnectionStatus.NEEDS_REAUTH) {
                return new ReauthenticationNeeded();
            }
            if (locked.getRefreshToken() == null) {
                if (force || isExpired(locked)) {
                    String reason = "Your sign-in to " + target.connector().name() + " expired and the server "
                            + "gave no way to renew it. Reconnect.";
                    repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH, reason,
                            locked.getRequiredScope(), locked.getStepUps(), now());
                    return new ReauthenticationNeeded();
                }
                return openToken(locked, "access");
            }
            try {
                EgressClient client = egress.forOrganization(member.orgId());
                AuthorizationServerMetadata as = AuthorizationDiscovery.authorizationServer(client,
                        locked.getIssuer());
                OAuthClient oauthClient = storedClient(member.orgId(), target, as, locked.getClientId(),
                        locked.getAuthMethod()).orElseThrow(() -> new OAuthFlowException("The connector's OAuth "
                                + "client changed since you connected. Reconnect."));
                TokenSet tokens = TokenEndpoint.refresh(client, as, oauthClient, address.redirectUri(),
                        openToken(locked, "refresh"), AuthorizationTarget.split(locked.getScope()),
                        AuthorizationDiscovery.canonical(URI.create(target.connector().url())), timeout);
                store(locked, tokens);
                return tokens.accessToken();
            } catch (OAuthFlowException | DiscoveryException | IllegalStateException e) {
                boolean definitive = e instanceof OAuthFlowException f && (f.isInvalidGrant() || f.isInvalidClient())
                        || e instanceof OAuthFlowException && e.getMessage().contains("Reconnect");
                String reason = definitive
                        ? "Renewing your sign-in failed: " + e.getMessage() + " Reconnect."
                        : "Renewing your sign-in failed for now: " + e.getMessage();
                repository.setStatus(connectionId, definitive ? ConnectionStatus.NEEDS_REAUTH
                        : ConnectionStatus.FAILING, trim(reason), locked.getRequiredScope(), locked.getStepUps(),
                        now());
                Map<String, String> details = new LinkedHashMap<>();
                details.put("reason", trim(e.getMessage()));
                details.put("outcome", definitive ? "needs re-authentication" : "will retry");
                audit.record(AuditRecord.of(member.orgId(), member.actor(), "connection.refresh_failed")
                        .target("connector", target.connector().id().toString(), target.connector().name())
                        .details(details));
                return definitive ? new ReauthenticationNeeded() : new OAuthFlowException(reason);
            }
        });
        if (outcome instanceof String token) {
            return token;
        }
        if (outcome instanceof OAuthFlowException failure) {
            throw failure;
        }
        throw (ReauthenticationNeeded) outcome;
    }

    private boolean expiresSoon(ConnectionRecord row) {
        return row.getExpiresAt() != null && row.getExpiresAt().toInstant().isBefore(clock.instant()
                .plus(REFRESH_AHEAD));
    }

    private boolean isExpired(ConnectionRecord row) {
        return row.getExpiresAt() != null && !row.getExpiresAt().toInstant().isAfter(clock.instant());
    }

    private static boolean sameAccessToken(ConnectionRecord a, ConnectionRecord b) {
        return java.util.Arrays.equals(a.getAccessToken(), b.getAccessToken());
    }

    private void store(ConnectionRecord row, TokenSet tokens) {
        OrganizationId orgId = new OrganizationId(row.getOrgId());
        repository.updateTokens(row.getId(),
                sealer.seal(tokens.accessToken(), tokenContext("access", orgId, row.getId())),
                tokens.refreshToken() == null ? null
                        : sealer.seal(tokens.refreshToken(), tokenContext("refresh", orgId, row.getId())),
                String.join(" ", tokens.scopes()), utc(tokens), now());
    }

    private String openToken(ConnectionRecord row, String kind) {
        byte[] sealed = "access".equals(kind) ? row.getAccessToken() : row.getRefreshToken();
        return sealed == null ? null : sealer.open(sealed, tokenContext(kind, new OrganizationId(row.getOrgId()),
                row.getId()));
    }

    static String tokenContext(String kind, OrganizationId orgId, UUID connectionId) {
        return "connection." + kind + "_token|" + orgId + "|" + connectionId;
    }

    // ------------------------------------------------------------------ connect

    /**
     * Starts connecting the member: discovery, the client (owner's, metadata document, or dynamic registration
     * kept per connector), PKCE and a single-use state stored in the database. {@code returnTo} is a path inside
     * the console to come back to.
     */
    public ConnectStart connect(ConnectorId connectorId, String returnTo) throws OAuthFlowException {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        String back = safeReturn(returnTo);
        EgressClient client = egress.forOrganization(member.orgId());
        URI url = URI.create(target.connector().url());
        Optional<AuthorizationTarget> discovered = AuthorizationTargets.discover(client, url, timeout);
        if (discovered.isEmpty()) {
            return ConnectStart.noSignInNeeded();
        }
        AuthorizationTarget at = discovered.get();
        String redirectUri = address.redirectUri();
        OAuthClient oauthClient = client(member, target, at, redirectUri);
        ConnectionRecord existing = tx.execute(s -> repository.find(member.orgId(), connectorId, member.userId())
                .orElse(null));
        Set<String> extra = existing == null ? Set.of() : AuthorizationTarget.split(existing.getRequiredScope());
        Set<String> scopes = at.scopes(extra);
        if (existing != null && existing.getRequiredScope() != null) {
            scopes.addAll(AuthorizationTarget.split(existing.getScope()));
        }
        AuthorizationRequests.Started started = AuthorizationRequests.start(at, oauthClient, redirectUri, scopes);
        String stateHash = Tokens.sha256Hex(started.state());
        PendingAuthorizationRecord pending = new PendingAuthorizationRecord();
        pending.setStateHash(stateHash);
        pending.setOrgId(member.orgId().value());
        pending.setConnectorId(connectorId.value());
        pending.setUserId(member.userId().value());
        pending.setCodeVerifier(sealer.seal(started.codeVerifier(), "pending.code_verifier|" + stateHash));
        pending.setIssuer(at.server().issuer());
        pending.setIssRequired(at.server().authorizationResponseIssParameterSupported());
        pending.setClientId(oauthClient.clientId());
        pending.setRedirectUri(redirectUri);
        pending.setScope(String.join(" ", scopes));
        pending.setStepUps(existing == null ? 0 : existing.getStepUps());
        pending.setReturnTo(back);
        pending.setCreatedAt(now());
        pending.setExpiresAt(now().plus(PENDING_LIFETIME));
        tx.executeWithoutResult(s -> {
            repository.deleteExpiredPending(now());
            repository.insertPending(pending);
        });
        return new ConnectStart(started.authorizationUrl());
    }

    private OAuthClient client(Member member, ConnectorDirectory.Target target, AuthorizationTarget at,
            String redirectUri) throws OAuthFlowException {
        Connector c = target.connector();
        if (c.oauthClientId() != null) {
            return ClientRegistrar.owners(c.oauthClientId(), target.clientSecret(), at.server());
        }
        Optional<String> document = address.clientMetadataDocument();
        if (at.server().clientIdMetadataDocumentSupported() && document.isPresent()) {
            return ClientRegistrar.metadataDocument(document.get());
        }
        String issuer = at.server().issuer();
        EgressClient client = egress.forOrganization(member.orgId());
        // Registered once per connector and issuer, even when several members (or instances) connect at once.
        Object result = tx.execute(s -> {
            repository.lockRegistration(c.id());
            Optional<ConnectionRepository.StoredClient> stored = repository.findClient(c.id(), issuer);
            if (stored.isPresent() && stored.get().redirectUri().equals(redirectUri)) {
                return open(member.orgId(), c.id(), issuer, stored.get());
            }
            try {
                OAuthClient registered = ClientRegistrar.register(client, at.server(), redirectUri,
                        at.registrationScopes(), timeout);
                repository.saveClient(member.orgId(), c.id(), issuer, registered.clientId(),
                        registered.clientSecret() == null ? null : sealer.seal(registered.clientSecret(),
                                clientContext(member.orgId(), c.id(), issuer)),
                        registered.authMethod(), redirectUri, now());
                audit.record(AuditRecord.of(member.orgId(), member.actor(), "connector.client_registered")
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

    /** The client a connection was made with, if the connector still has it. */
    private Optional<OAuthClient> storedClient(OrganizationId orgId, ConnectorDirectory.Target target,
            AuthorizationServerMetadata as, String clientId, String knownMethod) {
        Connector c = target.connector();
        String issuer = as.issuer();
        if (c.oauthClientId() != null) {
            if (!c.oauthClientId().equals(clientId)) {
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
                return Optional.of(ClientRegistrar.owners(clientId, target.clientSecret(), as));
            } catch (OAuthFlowException e) {
                return Optional.empty();
            }
        }
        if (address.clientMetadataDocument().filter(clientId::equals).isPresent()) {
            return Optional.of(ClientRegistrar.metadataDocument(clientId));
        }
        return repository.findClient(c.id(), issuer).filter(s -> s.clientId().equals(clientId))
                .map(s -> open(orgId, c.id(), issuer, s));
    }

    private OAuthClient open(OrganizationId orgId, ConnectorId connectorId, String issuer,
            ConnectionRepository.StoredClient stored) {
        String secret = stored.sealedSecret() == null ? null
                : sealer.open(stored.sealedSecret(), clientContext(orgId, connectorId, issuer));
        return new OAuthClient(stored.clientId(), secret, stored.authMethod(), OAuthClient.Source.DYNAMIC);
    }

    static String clientContext(OrganizationId orgId, ConnectorId connectorId, String issuer) {
        return "connector_oauth_client.client_secret|" + orgId + "|" + connectorId + "|" + issuer;
    }

    /**
     * The authorization server sent the browser back. The pending authorization is taken out of the database
     * (so a replayed callback finds nothing), checked against the signed-in member, the issuer ({@code iss},
     * RFC 9207) and its lifetime; then the code is exchanged with the PKCE verifier and {@code resource}.
     */
    public CallbackOutcome complete(String state, String code, String iss, String error, String errorDescription) {
        Member member = member();
        if (state == null || state.isBlank() || state.length() > 512) {
            return failed(null, "The sign-in answer carries no valid state. Start again from Connectors.", null);
        }
        String stateHash = Tokens.sha256Hex(state);
        PendingAuthorizationRecord pending = tx.execute(s -> repository.consumePending(stateHash).orElse(null));
        if (pending == null) {
            return failed(null, "This sign-in answer was already used or has expired. Start again from "
                    + "Connectors.", null);
        }
        String returnTo = pending.getReturnTo();
        if (!pending.getUserId().equals(member.userId().value()) || !pending.getOrgId().equals(member.orgId()
                .value())) {
            audit(member, new ConnectorId(pending.getConnectorId()), null, "connection.callback_refused",
                    Map.of("reason", "started by another account"));
            return failed(null, "This sign-in was started by another account. Start again from Connectors while "
                    + "signed in as yourself.", null);
        }
        ConnectorDirectory.Target target;
        try {
            target = tx.execute(s -> usableConnector(member, new ConnectorId(pending.getConnectorId())));
        } catch (NotFoundException | AccessDeniedException e) {
            return failed(null, e.getMessage(), returnTo);
        }
        String name = target.connector().name();
        if (pending.getExpiresAt().isBefore(now())) {
            return failed(name, "The sign-in took longer than " + PENDING_LIFETIME.toMinutes()
                    + " minutes and expired. Connect again.", returnTo);
        }
        if (error != null && !error.isBlank()) {
            String what = "access_denied".equals(error) ? "You did not allow the console access to " + name + "."
                    : "The authorization server reported an error (" + clean(error) + ")"
                            + (errorDescription == null ? "." : ": " + clean(errorDescription));
            return failed(name, what + " Nothing was connected.", returnTo);
        }
        if (iss != null ? !iss.equals(pending.getIssuer()) : pending.getIssRequired()) {
            audit(member, target.connector().id(), name, "connection.callback_refused",
                    Map.of("reason", "issuer mismatch", "expectedIssuer", pending.getIssuer()));
            return failed(name, "The sign-in answer did not come from " + pending.getIssuer()
                    + " as expected (issuer " + (iss == null ? "missing" : clean(iss))
                    + "). Nothing was connected; start again.", returnTo);
        }
        if (code == null || code.isBlank() || code.length() > 4096) {
            return failed(name, "The sign-in answer carries no authorization code. Connect again.", returnTo);
        }
        EgressClient client = egress.forOrganization(member.orgId());
        try {
            AuthorizationServerMetadata as = AuthorizationDiscovery.authorizationServer(client, pending.getIssuer());
            OAuthClient chosen = storedClient(member.orgId(), target, as, pending.getClientId(), null)
                    .orElseThrow(() -> new OAuthFlowException("The connector's OAuth client changed while you were "
                            + "signing in. Connect again."));
            String verifier = sealer.open(pending.getCodeVerifier(), "pending.code_verifier|" + stateHash);
            String resource = AuthorizationDiscovery.canonical(URI.create(target.connector().url()));
            TokenSet tokens;
            OAuthClient oauthClient = chosen;
            try {
                try {
                    tokens = TokenEndpoint.exchange(client, as, chosen, pending.getRedirectUri(), code, verifier,
                            state, resource, timeout);
                } catch (OAuthFlowException e) {
                    // An owner's client may be registered for client_secret_post where the server offers both:
                    // client authentication fails before the code is looked at, so the code is still good.
                    if (!e.isInvalidClient() || chosen.source() != OAuthClient.Source.OWNER
                            || !OAuthClient.BASIC.equals(chosen.authMethod())
                            || !(as.tokenEndpointAuthMethodsSupported().isEmpty()
                                    || as.tokenEndpointAuthMethodsSupported().contains(OAuthClient.POST))) {
                        throw e;
                    }
                    oauthClient = new OAuthClient(chosen.clientId(), chosen.clientSecret(), OAuthClient.POST,
                            OAuthClient.Source.OWNER);
                    tokens = TokenEndpoint.exchange(client, as, oauthClient, pending.getRedirectUri(), code,
                            verifier, state, resource, timeout);
                }
            } catch (OAuthFlowException e) {
                if (e.isInvalidClient() && chosen.source() == OAuthClient.Source.DYNAMIC) {
                    // The server forgot the registration: drop it so the next Connect registers afresh.
                    tx.executeWithoutResult(s -> repository.deleteClient(target.connector().id(),
                            pending.getIssuer(), chosen.clientId()));
                    throw new OAuthFlowException("The authorization server no longer knows the console's "
                            + "registration. It has been renewed: click Connect again.", e.error(), e);
                }
                throw e;
            }
            TokenSet granted = tokens;
            OAuthClient used = oauthClient;
            boolean reconnect = tx.execute(s -> {
                Optional<ConnectionRecord> before = repository.find(member.orgId(), target.connector().id(),
                        member.userId());
                ConnectionRecord row = new ConnectionRecord();
                UUID id = before.map(ConnectionRecord::getId).orElseGet(UUID::randomUUID);
                OffsetDateTime now = now();
                row.setId(id);
                row.setOrgId(member.orgId().value());
                row.setConnectorId(target.connector().id().value());
                row.setUserId(member.userId().value());
                row.setStatus(ConnectionStatus.CONNECTED.name());
                row.setIssuer(pending.getIssuer());
                row.setClientId(used.clientId());
                row.setAuthMethod(used.authMethod());
                row.setAccessToken(sealer.seal(granted.accessToken(), tokenContext("access", member.orgId(), id)));
                row.setRefreshToken(granted.refreshToken() == null ? null
                        : sealer.seal(granted.refreshToken(), tokenContext("refresh", member.orgId(), id)));
                Set<String> scopes = granted.scopes().isEmpty() ? AuthorizationTarget.split(pending.getScope())
                        : granted.scopes();
                row.setScope(String.join(" ", scopes));
                row.setStepUps(pending.getStepUps());
                row.setExpiresAt(utc(granted));
                row.setConnectedAt(now);
                row.setUpdatedAt(now);
                repository.upsert(row);
                Map<String, String> details = new LinkedHashMap<>();
                details.put("issuer", pending.getIssuer());
                details.put("scope", row.getScope());
                details.put("client", used.source().name().toLowerCase());
                details.put("authMethod", used.authMethod());
                details.put("refreshToken", granted.refreshToken() == null ? "none" : "issued");
                audit.record(AuditRecord.of(member.orgId(), member.actor(),
                                before.isPresent() ? "connection.reauthorized" : "connection.connected")
                        .target("connector", target.connector().id().toString(), name).details(details));
                return before.isPresent();
            });
            return new CallbackOutcome(true, name, (reconnect ? "Reconnected to " : "Connected to ") + name + ".",
                    returnTo);
        } catch (OAuthFlowException | DiscoveryException e) {
            audit(member, target.connector().id(), name, "connection.failed", Map.of("reason", trim(e.getMessage())));
            return failed(name, "Connecting to " + name + " failed: " + e.getMessage(), returnTo);
        }
    }

    private static CallbackOutcome failed(String name, String message, String returnTo) {
        return new CallbackOutcome(false, name, message, returnTo == null ? MemberConnectorsPath.PATH : returnTo);
    }

    // ------------------------------------------------------------------ disconnect and retirement

    /** Ends the member's connection: tokens revoked where the server offers it, then deleted. Says what happened. */
    public String disconnect(ConnectorId connectorId) {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> connectors.find(member.orgId(), connectorId)
                .orElseThrow(ConnectionService::notFound));
        ConnectionRecord row = tx.execute(s -> repository.find(member.orgId(), connectorId, member.userId())
                .orElseThrow(() -> new NotFoundException("You are not connected to " + target.connector().name()
                        + ".")));
        TokenEndpoint.Revocation revocation = revoke(member.orgId(), target, row);
        tx.executeWithoutResult(s -> {
            repository.delete(row.getId());
            audit.record(AuditRecord.of(member.orgId(), member.actor(), "connection.disconnected")
                    .target("connector", connectorId.toString(), target.connector().name())
                    .details(Map.of("revocation", revocation.name().toLowerCase())));
        });
        return switch (revocation) {
            case REVOKED -> "Disconnected from " + target.connector().name() + ". The server revoked your tokens.";
            case NOT_OFFERED -> "Disconnected from " + target.connector().name() + ". The server offers no way to "
                    + "revoke tokens; the console deleted its copy.";
            case FAILED -> "Disconnected from " + target.connector().name() + ". The server did not confirm the "
                    + "revocation; the console deleted its copy of your tokens.";
        };
    }

    private TokenEndpoint.Revocation revoke(OrganizationId orgId, ConnectorDirectory.Target target,
            ConnectionRecord row) {
        try {
            EgressClient client = egress.forOrganization(orgId);
            AuthorizationServerMetadata as = AuthorizationDiscovery.authorizationServer(client, row.getIssuer());
            Optional<OAuthClient> oauthClient = storedClient(orgId, target, as, row.getClientId(),
                    row.getAuthMethod());
            if (as.revocationEndpoint() == null) {
                return TokenEndpoint.Revocation.NOT_OFFERED;
            }
            if (oauthClient.isEmpty()) {
                return TokenEndpoint.Revocation.FAILED;
            }
            TokenEndpoint.Revocation outcome = TokenEndpoint.Revocation.REVOKED;
            if (row.getRefreshToken() != null) {
                outcome = TokenEndpoint.revoke(client, as, oauthClient.get(), openToken(row, "refresh"),
                        "refresh_token", timeout);
            }
            TokenEndpoint.Revocation access = TokenEndpoint.revoke(client, as, oauthClient.get(),
                    openToken(row, "access"), "access_token", timeout);
            return outcome == TokenEndpoint.Revocation.REVOKED ? access : outcome;
        } catch (DiscoveryException | RuntimeException e) {
            log.info("Revocation for connection {} failed: {}", row.getId(), e.getMessage());
            return TokenEndpoint.Revocation.FAILED;
        }
    }

    /**
     * A connector was removed, disabled or moved to another URL: its connections end in the owner's
     * transaction; tokens are revoked after it commits (in the background), and each outcome is audited.
     */
    @EventListener
    void onConnectorRetired(ConnectorRetired event) {
        List<ConnectionRecord> rows = repository.listForConnector(event.orgId(), event.connectorId());
        if (rows.isEmpty()) {
            return;
        }
        ConnectorDirectory.Target target = connectors.find(event.orgId(), event.connectorId()).orElseThrow();
        for (ConnectionRecord row : rows) {
            repository.delete(row.getId());
        }
        audit.record(AuditRecord.of(event.orgId(), event.actor(), "connection.ended")
                .target("connector", event.connectorId().toString(), event.connectorName())
                .details(Map.of("connections", Integer.toString(rows.size()),
                        "reason", event.reason().name().toLowerCase())));
        Runnable revokeAll = () -> background.execute(() -> {
            int revoked = 0;
            int failed = 0;
            int notOffered = 0;
            for (ConnectionRecord row : rows) {
                switch (revoke(event.orgId(), target, row)) {
                    case REVOKED -> revoked++;
                    case FAILED -> failed++;
                    case NOT_OFFERED -> notOffered++;
                }
            }
            Map<String, String> details = Map.of("revoked", Integer.toString(revoked), "failed",
                    Integer.toString(failed), "notOffered", Integer.toString(notOffered));
            try {
                tx.executeWithoutResult(s -> audit.record(AuditRecord.of(event.orgId(), Actor.SYSTEM,
                                "connection.revocation").target("connector", event.connectorId().toString(),
                                        event.connectorName()).details(details)));
            } catch (RuntimeException e) {
                log.warn("Could not record the revocation outcome for connector {}", event.connectorId(), e);
            }
        });
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    revokeAll.run();
                }
            });
        } else {
            revokeAll.run();
        }
    }

    // ------------------------------------------------------------------ helpers

    private Member member() {
        Member member = tx.execute(s -> currentMember.require());
        if (!member.plan().allowsCustomConnectors()) {
            throw new AccessDeniedException("Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
        }
        return member;
    }

    private ConnectorDirectory.Target usableConnector(Member member, ConnectorId connectorId) {
        ConnectorDirectory.Target target = connectors.find(member.orgId(), connectorId)
                .orElseThrow(ConnectionService::notFound);
        if (!target.connector().enabled()) {
            throw new AccessDeniedException(target.connector().name() + " is turned off by an owner of "
                    + member.orgName() + ".");
        }
        return target;
    }

    private void audit(Member member, ConnectorId connectorId, String name, String action,
            Map<String, String> details) {
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(), action)
                .target("connector", connectorId.toString(), name).details(details)));
    }

    private static TransportKind transportOf(Connector c) {
        return c.lastCheck() != null && TransportKind.SSE.label().equals(c.lastCheck().transport())
                ? TransportKind.SSE : TransportKind.STREAMABLE_HTTP;
    }

    /** Only paths inside the console: never an absolute URL or a protocol-relative one (open redirect). */
    static String safeReturn(String returnTo) {
        if (returnTo == null || !returnTo.startsWith("/") || returnTo.startsWith("//") || returnTo.contains("\\")
                || returnTo.length() > 500 || returnTo.chars().anyMatch(ch -> ch < 0x21 || ch == 0x7f)) {
            return MemberConnectorsPath.PATH;
        }
        return returnTo;
    }

    private OffsetDateTime utc(TokenSet tokens) {
        return tokens.expiresAt() == null ? null : tokens.expiresAt().atOffset(java.time.ZoneOffset.UTC);
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }

    private static String clean(String s) {
        String c = s.replaceAll("\\p{Cntrl}", " ");
        return c.length() > 200 ? c.substring(0, 200) + "…" : c;
    }

    private static String trim(String s) {
        if (s == null) {
            return null;
        }
        return s.length() > 1000 ? s.substring(0, 999) + "…" : s;
    }

    private static NotFoundException notFound() {
        return new NotFoundException("This connector does not exist (it may have been removed).");
    }

    @Override
    public void destroy() {
        background.shutdownNow();
    }
}
