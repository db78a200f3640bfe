package org.connectorconsole.connection;

import org.connectorconsole.base.ConsoleMetrics;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.connectorconsole.connection.internal.ConnectionRepository.PendingAuthorization;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredClient;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorRetired;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ProbeResult;
import org.connectorconsole.mcp.TransportKind;
import org.connectorconsole.oauth.AuthorizationDiscovery;
import org.connectorconsole.oauth.AuthorizationRequests;
import org.connectorconsole.oauth.AuthorizationResponses;
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
import org.connectorconsole.organization.MemberRemoved;
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
 * registration, PKCE, state, resource, iss), tokens sealed in PostgreSQL, refresh by one caller at a time (a
 * claim in the row, across instances, with no transaction held over HTTP), a truthful status, and disconnect
 * with revocation. Every method acts for the signed-in member, within their organisation, on their own
 * connection only; no network call runs inside a database transaction.
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
    private final ToolCatalog toolCatalog;
    private final Duration timeout;
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    ConnectionService(CurrentMember currentMember, ConnectorDirectory connectors, ConnectionRepository repository,
            SecretSealer sealer, Egress egress, AuditService audit, TransactionTemplate tx, Clock clock,
            ConsoleAddress address, ToolCatalog toolCatalog,
            @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.toolCatalog = toolCatalog;
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
            Map<ConnectorId, StoredConnection> mine = new LinkedHashMap<>();
            for (StoredConnection row : repository.listForUser(member.orgId(), member.userId())) {
                mine.put(row.connectorId(), row);
            }
            List<MemberConnector> out = new ArrayList<>();
            for (Connector c : connectors.list(member.orgId())) {
                if (c.enabled()) {
                    out.add(view(c, mine.get(c.id())));
                }
            }
            return out;
        });
    }

    private static MemberConnector view(Connector c, StoredConnection row) {
        if (row == null) {
            boolean open = c.lastCheck() != null && c.lastCheck().outcome() == Diagnosis.Outcome.READY;
            return new MemberConnector(c.id(), c.name(), c.url(),
                    open ? MemberConnector.State.NO_SIGN_IN : MemberConnector.State.NOT_CONNECTED,
                    open ? "This server needs no sign-in." : null, Set.of(), null, null,
                    open ? c.lastCheck().tools() : List.of());
        }
        MemberConnector.State state = switch (row.status()) {
            case CONNECTED -> MemberConnector.State.CONNECTED;
            case NEEDS_REAUTH -> MemberConnector.State.NEEDS_REAUTH;
            case FAILING -> MemberConnector.State.FAILING;
        };
        return new MemberConnector(c.id(), c.name(), c.url(), state, row.statusReason(),
                AuthorizationTarget.split(row.scope()), row.expiresAt(), row.connectedAt(), List.of());
    }

    /**
     * Asks the server whether the member's connection works (bounded, in the background), updates the stored
     * status and reports the connector with its tools. For a connector without a connection, asks whether it
     * answers without sign-in. {@code onResult} always runs, on a background thread.
     */
    public void check(ConnectorId connectorId, Consumer<MemberConnector> onResult) {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        background.execute(() -> {
            MemberConnector result;
            try {
                result = checkNow(member, target);
            } catch (RuntimeException e) {
                log.error("Checking connector {} failed unexpectedly", connectorId, e);
                result = view(target.connector(), null).withState(MemberConnector.State.FAILING,
                        "The check itself failed. Reload the page; if it keeps failing, tell an owner.", List.of());
            }
            onResult.accept(result);
        });
    }

    /** The same check, on the calling thread (tests). */
    public MemberConnector checkNow(ConnectorId connectorId) {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        return checkNow(member, target);
    }

    private MemberConnector checkNow(Member member, ConnectorDirectory.Target target) {
        Connector c = target.connector();
        StoredConnection row = tx.execute(s -> repository.find(member.orgId(), c.id(), member.userId())
                .orElse(null));
        EgressClient client = egress.forOrganization(member.orgId());
        if (row == null) {
            try {
                ProbeResult result = McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, null);
                toolCatalog.reconcile(member.orgId(), c.id(), result.tools(), member.actor());
                return view(c, null).withState(MemberConnector.State.NO_SIGN_IN, "This server needs no sign-in.",
                        result.tools());
            } catch (McpAuthorizationException e) {
                return view(c, null).withState(MemberConnector.State.NOT_CONNECTED, null, List.of());
            } catch (McpProbeException e) {
                return view(c, null).withState(MemberConnector.State.FAILING, "The server cannot be used right "
                        + "now: " + e.getMessage(), List.of());
            }
        }
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            return view(c, row);
        }
        try {
            Token token = token(member, target, row.id(), null);
            ProbeResult result;
            try {
                result = McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, token.value());
            } catch (McpAuthorizationException e) {
                if (e.status() != 401) {
                    throw needsReauth(row.id(), e);
                }
                // the server refuses the token before its expiry: renew once, then ask again
                token = token(member, target, row.id(), token.sealed());
                try {
                    result = McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, token.value());
                } catch (McpAuthorizationException again) {
                    throw needsReauth(row.id(), again);
                }
            }
            byte[] used = token.sealed();
            tx.executeWithoutResult(s -> repository.markWorking(row.id(), used, now()));
            toolCatalog.reconcile(member.orgId(), c.id(), result.tools(), member.actor());
            return view(c, current(row)).withState(MemberConnector.State.CONNECTED, null, result.tools());
        } catch (ReauthenticationNeeded e) {
            return view(c, current(row));
        } catch (McpProbeException | OAuthFlowException e) {
            String reason = "The server could not be used: " + e.getMessage()
                    + " Try again later; if it keeps failing, tell an owner of your organisation.";
            tx.executeWithoutResult(s -> repository.find(row.id()).ifPresent(fresh -> {
                if (fresh.status() != ConnectionStatus.NEEDS_REAUTH) {
                    repository.setStatus(row.id(), ConnectionStatus.FAILING, trim(reason), fresh.requiredScope(),
                            fresh.stepUps(), now());
                }
            }));
            return view(c, current(row));
        }
    }

    /**
     * Opens an MCP session with the connector for {@code member} (resolved by the caller's service through
     * {@link CurrentMember}, on the request thread): with the member's own token, renewed once when the server
     * refuses it; without a token for a server that needs no sign-in. Never with the member's console sign-in.
     * The caller closes the session.
     */
    public McpToolSession openSession(Member member, ConnectorId connectorId, Duration callTimeout)
            throws ConnectorUnavailableException {
        requirePaidPlan(member);
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        Connector c = target.connector();
        StoredConnection row = tx.execute(s -> repository.find(member.orgId(), c.id(), member.userId())
                .orElse(null));
        EgressClient client = egress.forOrganization(member.orgId());
        URI url = URI.create(c.url());
        if (row == null) {
            try {
                return McpToolSession.open(client, url, transportOf(c), timeout, callTimeout, null);
            } catch (McpAuthorizationException e) {
                throw new ConnectorUnavailableException(c.name() + " needs you to connect first.", true);
            } catch (McpProbeException e) {
                throw new ConnectorUnavailableException(c.name() + " cannot be reached: " + e.getMessage(), false);
            }
        }
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            throw new ConnectorUnavailableException(reconnectReason(c, row), true);
        }
        try {
            Token token = token(member, target, row.id(), null);
            McpToolSession session;
            try {
                session = McpToolSession.open(client, url, transportOf(c), timeout, callTimeout, token.value());
            } catch (McpAuthorizationException e) {
                if (e.status() != 401) {
                    throw needsReauth(row.id(), e);
                }
                token = token(member, target, row.id(), token.sealed());
                try {
                    session = McpToolSession.open(client, url, transportOf(c), timeout, callTimeout, token.value());
                } catch (McpAuthorizationException again) {
                    throw needsReauth(row.id(), again);
                }
            }
            byte[] used = token.sealed();
            try {
                tx.executeWithoutResult(s -> repository.markWorking(row.id(), used, now()));
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            return session;
        } catch (ReauthenticationNeeded e) {
            throw new ConnectorUnavailableException(reconnectReason(c, current(row)), true);
        } catch (McpProbeException | OAuthFlowException e) {
            throw new ConnectorUnavailableException(c.name() + " could not be used: " + e.getMessage(), false);
        }
    }

    /**
     * A server refused the member's token during use (a tool call): records that the member must sign in again
     * (with more scope for a step-up) and returns the reason to show.
     */
    public String refusedDuringUse(Member member, ConnectorId connectorId, McpAuthorizationException refusal) {
        StoredConnection row = tx.execute(s -> repository.find(member.orgId(), connectorId, member.userId())
                .orElse(null));
        if (row == null) {
            return "The server asks for a sign-in: connect to it first.";
        }
        needsReauth(row.id(), refusal);
        return reconnectReason(null, current(row));
    }

    private static String reconnectReason(Connector c, StoredConnection row) {
        if (row.statusReason() != null) {
            return row.statusReason();
        }
        return "Reconnect" + (c == null ? "" : " " + c.name()) + ": your sign-in is no longer accepted.";
    }

    /** The stored row now, or the given one if it is gone. */
    private StoredConnection current(StoredConnection row) {
        return tx.execute(s -> repository.find(row.id()).orElse(row));
    }

    /** A 401 that survived a refresh, or a 403: the member must sign in again (with more scope for a step-up). */
    private ReauthenticationNeeded needsReauth(UUID connectionId, McpAuthorizationException e) {
        BearerChallenge challenge = BearerChallenge.parse(e.wwwAuthenticate()).orElse(null);
        tx.executeWithoutResult(s -> repository.find(connectionId).ifPresent(row -> {
            if (e.status() == 403 && challenge != null && "insufficient_scope".equals(challenge.error())) {
                int stepUps = row.stepUps() + 1;
                String scope = challenge.scope();
                if (stepUps > MAX_STEP_UPS) {
                    repository.setStatus(connectionId, ConnectionStatus.FAILING, "The server keeps asking for more "
                            + "permissions than a sign-in grants (after " + MAX_STEP_UPS + " attempts). Tell an "
                            + "owner of your organisation.", null, stepUps, now());
                } else {
                    Set<String> wanted = AuthorizationTarget.split(row.scope());
                    wanted.addAll(AuthorizationTarget.split(scope));
                    repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH, "The server needs more "
                            + "permission" + (scope == null ? "" : " (" + scope + ")") + " than you granted. "
                            + "Reconnect to grant it.", String.join(" ", wanted), stepUps, now());
                }
            } else {
                String reason = e.status() == 401
                        ? "The server no longer accepts your sign-in (it may have been revoked). Reconnect."
                        : "The server refuses your sign-in (HTTP " + e.status() + "). Reconnect; if that does not "
                                + "help, ask an owner of your organisation.";
                repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH, reason, row.requiredScope(),
                        row.stepUps(), now());
            }
        }));
        return new ReauthenticationNeeded();
    }

    /** Thrown once the stored status says the member must sign in again. */
    static final class ReauthenticationNeeded extends Exception {
        ReauthenticationNeeded() {
            super(null, null, false, false);
        }
    }

    // ------------------------------------------------------------------ tokens

    /** An access token in clear, with its sealed form as stored (to recognise it later). */
    private record Token(String value, byte[] sealed) {
        @Override
        public String toString() {
            return "Token[(hidden)]";
        }
    }

    /**
     * The member's access token for the connector, renewed first when it expires within a minute. For the
     * console's own calls to that connector only (tool calls, checks): never shown, never logged.
     */
    public String accessToken(ConnectorId connectorId) throws OAuthFlowException {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        StoredConnection row = tx.execute(s -> repository.find(member.orgId(), connectorId, member.userId())
                .orElseThrow(() -> new NotFoundException("You are not connected to " + target.connector().name()
                        + ".")));
        try {
            return token(member, target, row.id(), null).value();
        } catch (ReauthenticationNeeded e) {
            StoredConnection now = current(row);
            throw new OAuthFlowException(now.statusReason() == null ? "Reconnect " + target.connector().name()
                    + "." : now.statusReason());
        }
    }

    /**
     * The current access token; renewed when it expires soon, or when {@code refused} (the sealed token a server
     * just refused) is still the stored one. Of all callers, on all instances, one claims the renewal in the row
     * and asks the token endpoint; the others wait for the new token. No transaction spans the HTTP call.
     */
    private Token token(Member member, ConnectorDirectory.Target target, UUID connectionId, byte[] refused)
            throws OAuthFlowException, ReauthenticationNeeded {
        Instant deadline = clock.instant().plus(timeout.multipliedBy(3));
        while (true) {
            StoredConnection row = tx.execute(s -> repository.find(connectionId).orElse(null));
            if (row == null || row.status() == ConnectionStatus.NEEDS_REAUTH) {
                throw new ReauthenticationNeeded();
            }
            boolean stale = refused != null ? Arrays.equals(row.accessToken(), refused) : expiresSoon(row);
            if (!stale) {
                return new Token(open(row, "access"), row.accessToken());
            }
            if (row.refreshToken() == null) {
                if (refused != null || isExpired(row)) {
                    String reason = "Your sign-in to " + target.connector().name() + " expired and the server gave "
                            + "no way to renew it. Reconnect.";
                    tx.executeWithoutResult(s -> repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH,
                            reason, row.requiredScope(), row.stepUps(), now()));
                    throw new ReauthenticationNeeded();
                }
                return new Token(open(row, "access"), row.accessToken());
            }
            OffsetDateTime claimUntil = now().plus(timeout.multipliedBy(2));
            if (Boolean.TRUE.equals(tx.execute(s -> repository.claimRefresh(connectionId, row.accessToken(), now(),
                    claimUntil)))) {
                return refresh(member, target, row);
            }
            if (clock.instant().isAfter(deadline)) {
                throw new OAuthFlowException("Renewing your sign-in takes too long; try again in a moment.");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OAuthFlowException("Interrupted while waiting for the sign-in to be renewed.");
            }
        }
    }

    private Token refresh(Member member, ConnectorDirectory.Target target, StoredConnection row)
            throws OAuthFlowException, ReauthenticationNeeded {
        EgressClient client = egress.forOrganization(member.orgId());
        TokenSet tokens;
        try {
            AuthorizationServerMetadata as = AuthorizationDiscovery.authorizationServer(client, row.issuer());
            OAuthClient oauthClient = storedClient(target, as, row.clientId(), row.authMethod())
                    .orElseThrow(() -> new OAuthFlowException("The connector's OAuth client changed since you "
                            + "connected.", "invalid_client", null));
            tokens = TokenEndpoint.refresh(client, as, oauthClient, address.redirectUri(), open(row, "refresh"),
                    AuthorizationTarget.split(row.scope()), resourceOf(target.connector()), timeout);
        } catch (OAuthFlowException | DiscoveryException e) {
            ConsoleMetrics.tokenRefresh(false);
            boolean definitive = e instanceof OAuthFlowException f && (f.isInvalidGrant() || f.isInvalidClient());
            String reason = definitive ? "Renewing your sign-in failed: " + e.getMessage() + " Reconnect."
                    : "Renewing your sign-in failed for now: " + e.getMessage();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("reason", trim(e.getMessage()));
            details.put("outcome", definitive ? "needs re-authentication" : "will retry");
            tx.executeWithoutResult(s -> {
                repository.setStatus(row.id(), definitive ? ConnectionStatus.NEEDS_REAUTH : ConnectionStatus.FAILING,
                        trim(reason), row.requiredScope(), row.stepUps(), now());
                audit.record(AuditRecord.of(member.orgId(), member.actor(), "connection.refresh_failed")
                        .target("connector", target.connector().id().toString(), target.connector().name())
                        .details(details));
            });
            if (definitive) {
                throw new ReauthenticationNeeded();
            }
            throw new OAuthFlowException(reason);
        } catch (RuntimeException e) {
            tx.executeWithoutResult(s -> repository.releaseRefresh(row.id()));
            throw e;
        }
        ConsoleMetrics.tokenRefresh(true);
        byte[] access = sealer.seal(tokens.accessToken(), tokenContext("access", row.orgId(), row.id()));
        byte[] refreshToken = tokens.refreshToken() == null ? null
                : sealer.seal(tokens.refreshToken(), tokenContext("refresh", row.orgId(), row.id()));
        boolean saved = Boolean.TRUE.equals(tx.execute(s -> repository.saveRefreshed(row.id(), row.accessToken(),
                access, refreshToken, String.join(" ", tokens.scopes()), tokens.expiresAt(), now())));
        if (!saved) {
            // The connection ended (disconnect, connector removed) while renewing: the new tokens must not live on.
            revokeQuietly(member.orgId(), row.issuer(), clientOf(target, row), tokens.refreshToken(),
                    tokens.accessToken());
            throw new ReauthenticationNeeded();
        }
        return new Token(tokens.accessToken(), access);
    }

    private boolean expiresSoon(StoredConnection row) {
        return row.expiresAt() != null && row.expiresAt().isBefore(clock.instant().plus(REFRESH_AHEAD));
    }

    private boolean isExpired(StoredConnection row) {
        return row.expiresAt() != null && !row.expiresAt().isAfter(clock.instant());
    }

    private String open(StoredConnection row, String kind) {
        byte[] sealed = "access".equals(kind) ? row.accessToken() : row.refreshToken();
        return sealed == null ? null : sealer.open(sealed, tokenContext(kind, row.orgId(), row.id()));
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
        return connect(member, target, safeReturn(returnTo), address.redirectUri());
    }

    /**
     * As {@link #connect(ConnectorId, String)}, with the network steps (discovery, registration) on a background
     * thread: who is asking, and the console's address, are settled on the calling (request) thread first.
     * {@code onStart} or {@code onFailure} (a message for the member) runs on the background thread.
     */
    public void connectInBackground(ConnectorId connectorId, String returnTo, Consumer<ConnectStart> onStart,
            Consumer<String> onFailure) {
        Member member = member();
        ConnectorDirectory.Target target = tx.execute(s -> usableConnector(member, connectorId));
        String redirectUri = address.redirectUri();
        String back = safeReturn(returnTo);
        background.execute(() -> {
            try {
                onStart.accept(connect(member, target, back, redirectUri));
            } catch (OAuthFlowException e) {
                onFailure.accept("Connecting to " + target.connector().name() + " failed: " + e.getMessage());
            } catch (RuntimeException e) {
                log.error("Connecting to connector {} failed unexpectedly", connectorId, e);
                onFailure.accept("Connecting to " + target.connector().name() + " failed unexpectedly. Try again; "
                        + "if it keeps failing, tell an owner of your organisation.");
            }
        });
    }

    private ConnectStart connect(Member member, ConnectorDirectory.Target target, String back, String redirectUri)
            throws OAuthFlowException {
        ConnectorId connectorId = target.connector().id();
        EgressClient client = egress.forOrganization(member.orgId());
        URI url = URI.create(target.connector().url());
        Optional<AuthorizationTarget> discovered = AuthorizationTargets.discover(client, url, timeout);
        if (discovered.isEmpty()) {
            return ConnectStart.noSignInNeeded();
        }
        AuthorizationTarget at = discovered.get();
        OAuthClient oauthClient = client(member, target, at, redirectUri);
        StoredConnection existing = tx.execute(s -> repository.find(member.orgId(), connectorId, member.userId())
                .orElse(null));
        Set<String> scopes = at.scopes(existing == null ? Set.of()
                : AuthorizationTarget.split(existing.requiredScope()));
        AuthorizationRequests.Started started = AuthorizationRequests.start(at, oauthClient, redirectUri, scopes);
        String stateHash = Tokens.sha256Hex(started.state());
        OffsetDateTime now = now();
        PendingAuthorization pending = new PendingAuthorization(stateHash, member.orgId(), connectorId,
                member.userId(), sealer.seal(started.codeVerifier(), "pending.code_verifier|" + stateHash),
                at.server().issuer(), resourceOf(target.connector()),
                at.server().authorizationResponseIssParameterSupported(), oauthClient.clientId(), redirectUri,
                String.join(" ", scopes), existing == null ? 0 : existing.stepUps(), back,
                now.plus(PENDING_LIFETIME).toInstant());
        tx.executeWithoutResult(s -> {
            repository.deleteExpiredPending(now);
            repository.insertPending(pending, now);
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
        Optional<StoredClient> known = tx.execute(s -> repository.findClientFor(c.id(), issuer, redirectUri));
        if (known.isPresent()) {
            return open(member.orgId(), c.id(), issuer, known.get());
        }
        EgressClient client = egress.forOrganization(member.orgId());
        // Registered once per connector, issuer and redirect URI, even when several members (or instances) connect
        // at once: the advisory lock makes the others wait and then find it. (Registration is one bounded request.)
        Object result = tx.execute(s -> {
            repository.lockRegistration(c.id());
            Optional<StoredClient> stored = repository.findClientFor(c.id(), issuer, redirectUri);
            if (stored.isPresent()) {
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

    /**
     * The client a connection was made with, if the connector still has it. With {@code as} null (no network
     * wanted), an owner's confidential client needs its stored method.
     */
    private Optional<OAuthClient> storedClient(ConnectorDirectory.Target target, AuthorizationServerMetadata as,
            String clientId, String knownMethod) {
        Connector c = target.connector();
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
                return as == null ? Optional.empty()
                        : Optional.of(ClientRegistrar.owners(clientId, target.clientSecret(), as));
            } catch (OAuthFlowException e) {
                return Optional.empty();
            }
        }
        if (address.clientMetadataDocument().filter(clientId::equals).isPresent()) {
            return Optional.of(ClientRegistrar.metadataDocument(clientId));
        }
        return connectorClient(target, as == null ? null : as.issuer(), clientId);
    }

    private Optional<OAuthClient> connectorClient(ConnectorDirectory.Target target, String issuerOrNull,
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
    private Optional<OAuthClient> clientOf(ConnectorDirectory.Target target, StoredConnection row) {
        return storedClient(target, null, row.clientId(), row.authMethod())
                .or(() -> connectorClient(target, row.issuer(), row.clientId()));
    }

    private OAuthClient open(OrganizationId orgId, ConnectorId connectorId, String issuer, StoredClient stored) {
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
     * RFC 9207), the connector (still enabled, same URL) and its lifetime; then the code is exchanged with the
     * PKCE verifier and {@code resource}.
     */
    public CallbackOutcome complete(String state, String code, String iss, String error, String errorDescription) {
        Member member = member();
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
            audit(member, connectorId, null, "connection.callback_refused",
                    Map.of("reason", "started by another account"));
            return failed(null, "This sign-in was started by another account. Start again from Connectors while "
                    + "signed in as yourself.", null);
        }
        ConnectorDirectory.Target target;
        try {
            target = tx.execute(s -> usableConnector(member, connectorId));
        } catch (NotFoundException | AccessDeniedException e) {
            return failed(null, e.getMessage(), returnTo);
        }
        String name = target.connector().name();
        if (!AuthorizationResponses.issuerAccepted(iss, pending.issuer(), pending.issRequired())) {
            audit(member, connectorId, name, "connection.callback_refused",
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
        EgressClient client = egress.forOrganization(member.orgId());
        try {
            AuthorizationServerMetadata as = AuthorizationDiscovery.authorizationServer(client, pending.issuer());
            OAuthClient chosen = storedClient(target, as, pending.clientId(), null)
                    .orElseThrow(() -> new OAuthFlowException("The connector's OAuth client changed while you were "
                            + "signing in. Connect again."));
            String verifier = sealer.open(pending.codeVerifier(), "pending.code_verifier|" + stateHash);
            TokenSet tokens;
            OAuthClient used = chosen;
            try {
                try {
                    tokens = TokenEndpoint.exchange(client, as, chosen, pending.redirectUri(), code, verifier, state,
                            pending.resource(), timeout);
                } catch (OAuthFlowException e) {
                    // An owner's client may be registered for client_secret_post where the server offers both:
                    // client authentication fails before the code is looked at, so the code is still good.
                    if (!e.isInvalidClient() || chosen.source() != OAuthClient.Source.OWNER
                            || !OAuthClient.BASIC.equals(chosen.authMethod())
                            || !(as.tokenEndpointAuthMethodsSupported().isEmpty()
                                    || as.tokenEndpointAuthMethodsSupported().contains(OAuthClient.POST))) {
                        throw e;
                    }
                    used = new OAuthClient(chosen.clientId(), chosen.clientSecret(), OAuthClient.POST,
                            OAuthClient.Source.OWNER);
                    tokens = TokenEndpoint.exchange(client, as, used, pending.redirectUri(), code, verifier, state,
                            pending.resource(), timeout);
                }
            } catch (OAuthFlowException e) {
                if (e.isInvalidClient() && chosen.source() == OAuthClient.Source.DYNAMIC) {
                    // The server no longer knows this registration: drop it so the next Connect registers afresh.
                    tx.executeWithoutResult(s -> repository.deleteClient(connectorId, pending.issuer(),
                            chosen.clientId()));
                    throw new OAuthFlowException("The authorization server no longer knows the console's "
                            + "registration. It has been renewed: click Connect again.", e.error(), e);
                }
                throw e;
            }
            TokenSet granted = tokens;
            OAuthClient client2 = used;
            Boolean reconnect = tx.execute(s -> store(member, pending, granted, client2));
            if (reconnect == null) {
                // the owner disabled the connector, changed its address or removed the member meanwhile: these
                // tokens must not live on
                revokeQuietly(member.orgId(), pending.issuer(), Optional.of(used), granted.refreshToken(),
                        granted.accessToken());
                return failed(name, "The connector or your membership changed while you were signing in. Nothing "
                        + "was connected.", returnTo);
            }
            return new CallbackOutcome(true, name, (reconnect ? "Reconnected to " : "Connected to ") + name + ".",
                    returnTo);
        } catch (OAuthFlowException | DiscoveryException e) {
            audit(member, connectorId, name, "connection.failed", Map.of("reason", trim(e.getMessage())));
            return failed(name, "Connecting to " + name + " failed: " + e.getMessage(), returnTo);
        }
    }

    /**
     * Stores the grant, with the connector share-locked (an owner's concurrent disable or address change either
     * waits and then ends this connection, or went first and is seen here), and likewise the membership (the
     * member was checked before the code exchange; an owner may have removed them since). Null when the connector
     * changed or the person is no longer a member.
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
        OffsetDateTime now = now();
        UUID id = repository.lockOrCreate(member.orgId(), pending.connectorId(), member.userId(), pending.issuer(),
                client.clientId(), client.authMethod(), now);
        Set<String> scopes = tokens.scopes().isEmpty() ? AuthorizationTarget.split(pending.scope()) : tokens.scopes();
        repository.saveGrant(id, pending.issuer(), client.clientId(), client.authMethod(),
                sealer.seal(tokens.accessToken(), tokenContext("access", member.orgId(), id)),
                tokens.refreshToken() == null ? null
                        : sealer.seal(tokens.refreshToken(), tokenContext("refresh", member.orgId(), id)),
                String.join(" ", scopes), pending.stepUps(), tokens.expiresAt(), now);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("issuer", pending.issuer());
        details.put("scope", String.join(" ", scopes));
        details.put("client", client.source().name().toLowerCase());
        details.put("authMethod", client.authMethod());
        details.put("refreshToken", tokens.refreshToken() == null ? "none" : "issued");
        audit.record(AuditRecord.of(member.orgId(), member.actor(),
                        existed ? "connection.reauthorized" : "connection.connected")
                .target("connector", pending.connectorId().toString(), connector.get().name()).details(details));
        return existed;
    }

    private static CallbackOutcome failed(String name, String message, String returnTo) {
        return new CallbackOutcome(false, name, message, returnTo == null ? MemberConnectorsPath.PATH : returnTo);
    }

    // ------------------------------------------------------------------ disconnect and retirement

    /**
     * Ends the member's connection: the row is deleted first (so exactly the tokens it held are revoked, and a
     * concurrent renewal finds it gone), then the tokens are revoked where the server offers it. Says what
     * happened.
     */
    public String disconnect(ConnectorId connectorId) {
        return disconnect(member(), connectorId);
    }

    private String disconnect(Member member, ConnectorId connectorId) {
        ConnectorDirectory.Target target = tx.execute(s -> connectors.find(member.orgId(), connectorId)
                .orElseThrow(ConnectionService::notFound));
        StoredConnection row = tx.execute(s -> repository.deleteReturning(member.orgId(), connectorId,
                member.userId()).orElseThrow(() -> new NotFoundException("You are not connected to "
                        + target.connector().name() + ".")));
        TokenEndpoint.Revocation revocation = revoke(member.orgId(), row, clientOf(target, row));
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(),
                        "connection.disconnected")
                .target("connector", connectorId.toString(), target.connector().name())
                .details(Map.of("revocation", revocation.name().toLowerCase()))));
        String name = target.connector().name();
        return switch (revocation) {
            case REVOKED -> "Disconnected from " + name + ". The server revoked your tokens.";
            case NOT_OFFERED -> "Disconnected from " + name + ". The server offers no way to revoke tokens; the "
                    + "console deleted its copy.";
            case FAILED -> "Disconnected from " + name + ". The server did not confirm the revocation; the console "
                    + "deleted its copy of your tokens.";
        };
    }

    /** {@link #disconnect} on a background thread; {@code onDone} gets the message for the member. */
    public void disconnectInBackground(ConnectorId connectorId, Consumer<String> onDone) {
        Member member = member();
        background.execute(() -> {
            try {
                onDone.accept(disconnect(member, connectorId));
            } catch (NotFoundException e) {
                onDone.accept(e.getMessage());
            } catch (RuntimeException e) {
                log.error("Disconnecting {} from connector {} failed unexpectedly", member.userId(), connectorId, e);
                onDone.accept("Disconnecting failed unexpectedly. Reload the page and try again.");
            }
        });
    }

    private TokenEndpoint.Revocation revoke(OrganizationId orgId, StoredConnection row, Optional<OAuthClient> client) {
        return revoke(orgId, row, client, new java.util.HashMap<>());
    }

    private TokenEndpoint.Revocation revoke(OrganizationId orgId, StoredConnection row, Optional<OAuthClient> client,
            Map<String, AuthorizationServerMetadata> known) {
        try {
            AuthorizationServerMetadata as = known.get(row.issuer());
            if (as == null) {
                as = AuthorizationDiscovery.authorizationServer(egress.forOrganization(orgId), row.issuer());
                known.put(row.issuer(), as);
            }
            if (as.revocationEndpoint() == null) {
                return TokenEndpoint.Revocation.NOT_OFFERED;
            }
            if (client.isEmpty()) {
                return TokenEndpoint.Revocation.FAILED;
            }
            return revoke(orgId, as, client.get(), open(row, "refresh"), open(row, "access"));
        } catch (DiscoveryException | RuntimeException e) {
            log.info("Revocation for connection {} failed: {}", row.id(), e.getMessage());
            return TokenEndpoint.Revocation.FAILED;
        }
    }

    private TokenEndpoint.Revocation revoke(OrganizationId orgId, AuthorizationServerMetadata as, OAuthClient client,
            String refreshToken, String accessToken) {
        EgressClient egressClient = egress.forOrganization(orgId);
        TokenEndpoint.Revocation outcome = TokenEndpoint.Revocation.REVOKED;
        if (refreshToken != null) {
            outcome = TokenEndpoint.revoke(egressClient, as, client, refreshToken, "refresh_token", timeout);
        }
        TokenEndpoint.Revocation access = TokenEndpoint.revoke(egressClient, as, client, accessToken, "access_token",
                timeout);
        return outcome == TokenEndpoint.Revocation.REVOKED ? access : outcome;
    }

    private void revokeQuietly(OrganizationId orgId, String issuer, Optional<OAuthClient> client,
            String refreshToken, String accessToken) {
        if (client.isEmpty()) {
            return;
        }
        try {
            AuthorizationServerMetadata as = AuthorizationDiscovery.authorizationServer(egress.forOrganization(orgId),
                    issuer);
            revoke(orgId, as, client.get(), refreshToken, accessToken);
        } catch (DiscoveryException | RuntimeException e) {
            log.info("Revoking tokens of an ended connection failed: {}", e.getMessage());
        }
    }

    /** What is needed to revoke an ended connection's tokens after its rows are gone. */
    private record Revocable(StoredConnection row, Optional<OAuthClient> client) {
    }

    /**
     * A connector was removed, disabled or moved to another URL: its connections and pending authorizations end
     * in the owner's transaction (each row's client resolved now, before a removal cascades it away); tokens
     * are revoked after the transaction commits, in the background, and the outcome is audited.
     */
    @EventListener
    void onConnectorRetired(ConnectorRetired event) {
        repository.deletePendingFor(event.orgId(), event.connectorId());
        List<StoredConnection> rows = repository.deleteAllReturning(event.orgId(), event.connectorId());
        if (rows.isEmpty()) {
            return;
        }
        ConnectorDirectory.Target target = connectors.find(event.orgId(), event.connectorId()).orElseThrow();
        List<Revocable> revocables = new ArrayList<>();
        for (StoredConnection row : rows) {
            revocables.add(new Revocable(row, clientOf(target, row)));
        }
        audit.record(AuditRecord.of(event.orgId(), event.actor(), "connection.ended")
                .target("connector", event.connectorId().toString(), event.connectorName())
                .details(Map.of("connections", Integer.toString(rows.size()),
                        "reason", event.reason().name().toLowerCase())));
        Runnable revokeAll = () -> background.execute(() -> {
            int revoked = 0;
            int failed = 0;
            int notOffered = 0;
            // one metadata look-up per authorization server, not one per connection
            Map<String, AuthorizationServerMetadata> servers = new java.util.HashMap<>();
            for (Revocable r : revocables) {
                switch (revoke(event.orgId(), r.row(), r.client(), servers)) {
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

    /**
     * A person left the organisation: their connections and pending authorizations end in the owner's transaction;
     * their tokens are revoked after it commits, in the background, and the outcome is audited.
     */
    @EventListener
    void onMemberRemoved(MemberRemoved event) {
        List<StoredConnection> rows = repository.deleteAllOfUserReturning(event.orgId(), event.userId());
        if (rows.isEmpty()) {
            return;
        }
        List<Revocable> revocables = new ArrayList<>();
        for (StoredConnection row : rows) {
            connectors.find(event.orgId(), row.connectorId())
                    .ifPresent(target -> revocables.add(new Revocable(row, clientOf(target, row))));
        }
        audit.record(AuditRecord.of(event.orgId(), event.actor(), "connection.ended")
                .target("user", event.userId().toString(), event.email())
                .details(Map.of("connections", Integer.toString(rows.size()), "reason", "member_removed")));
        Runnable revokeAll = () -> background.execute(() -> {
            Map<String, Integer> counts = new java.util.HashMap<>(Map.of("revoked", 0, "failed", 0,
                    "notOffered", 0));
            Map<String, AuthorizationServerMetadata> servers = new java.util.HashMap<>();
            for (Revocable r : revocables) {
                String key = switch (revoke(event.orgId(), r.row(), r.client(), servers)) {
                    case REVOKED -> "revoked";
                    case FAILED -> "failed";
                    case NOT_OFFERED -> "notOffered";
                };
                counts.merge(key, 1, Integer::sum);
            }
            Map<String, String> details = new LinkedHashMap<>();
            counts.forEach((k, v) -> details.put(k, Integer.toString(v)));
            try {
                tx.executeWithoutResult(s -> audit.record(AuditRecord.of(event.orgId(), Actor.SYSTEM,
                        "connection.revocation").target("user", event.userId().toString(), event.email())
                        .details(details)));
            } catch (RuntimeException e) {
                log.warn("Could not record the revocation outcome for a removed member", e);
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
        requirePaidPlan(member);
        return member;
    }

    private static void requirePaidPlan(Member member) {
        if (!member.plan().allowsCustomConnectors()) {
            throw new AccessDeniedException("Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
        }
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

    /** The RFC 8707 resource for the connector: its URL in canonical form. */
    private static String resourceOf(Connector c) {
        return AuthorizationDiscovery.canonical(URI.create(c.url()));
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
