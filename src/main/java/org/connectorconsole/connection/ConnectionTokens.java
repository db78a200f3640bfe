package org.connectorconsole.connection;

import static org.connectorconsole.connection.ConnectionAccess.resourceOf;
import static org.connectorconsole.connection.ConnectionAccess.trim;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.ConnectorUseState;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConsoleMetrics;
import org.connectorconsole.connection.ConnectionRefusals.ReauthenticationNeeded;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connection.internal.EnterpriseManagedRepository;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.DiscoveryException;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.oauth.TokenEndpoint;
import org.connectorconsole.oauth.TokenSet;
import org.connectorconsole.security.Member;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The access token for one of the console's own calls to a connector, renewed first when it expires soon or a
 * server just refused it. Of all callers, on all instances, one claims the renewal in the row (a lease) and asks
 * the token endpoint; the others wait for the new token. The transactions here are explicit blocks on purpose:
 * each must commit before the next HTTP call (the claim above all), and none may span one.
 */
@Component
class ConnectionTokens {

    /** Refresh this long before the access token expires. */
    static final Duration REFRESH_AHEAD = Duration.ofSeconds(60);

    private final ConnectionRepository repository;
    private final ConnectionAccess access;
    private final ConnectionClients clients;
    private final SealedTokens sealed;
    private final TokenRevocation revocation;
    private final ConnectionRefusals refusals;
    private final Egress egress;
    private final AuditService audit;
    private final ConsoleAddress address;
    private final EnterpriseConnections enterprise;
    private final EnterpriseManagedRepository enterpriseManaged;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration timeout;

    ConnectionTokens(ConnectionRepository repository, ConnectionAccess access, ConnectionClients clients,
            SealedTokens sealed, TokenRevocation revocation, ConnectionRefusals refusals, Egress egress, AuditService audit,
            ConsoleAddress address, EnterpriseConnections enterprise, EnterpriseManagedRepository enterpriseManaged,
            TransactionTemplate tx, Clock clock, @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.enterprise = enterprise;
        this.enterpriseManaged = enterpriseManaged;
        this.repository = repository;
        this.access = access;
        this.clients = clients;
        this.sealed = sealed;
        this.revocation = revocation;
        this.refusals = refusals;
        this.egress = egress;
        this.audit = audit;
        this.address = address;
        this.tx = tx;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** An access token in clear, with its sealed form as stored (to recognise it later). */
    record Token(String value, byte[] sealed) {
        @Override
        public String toString() {
            return "Token[(hidden)]";
        }
    }

    /** One use of a connector with an access token: a probe, a session. */
    interface Use<T> {
        T with(String accessToken) throws McpProbeException;
    }

    /** What a use returned, with the sealed token that worked. */
    record Used<T>(T result, byte[] token) {
    }

    /**
     * Uses the connector with the member's current token; when the server refuses it (401), renews it once and
     * tries again. A refusal that survives the renewal, or a 403, records that the member must sign in again.
     */
    <T> Used<T> use(Member member, ConnectorDirectory.Target target, UUID connectionId, Use<T> use)
            throws McpProbeException, OAuthFlowException, ReauthenticationNeeded {
        Token token = forCall(member, target, connectionId, null);
        try {
            return new Used<>(use.with(token.value()), token.sealed());
        } catch (McpAuthorizationException e) {
            if (e.status() != 401) {
                throw refusals.needsReauth(connectionId, e);
            }
        }
        // the server refuses the token before its expiry: renew once, then ask again
        Token renewed = forCall(member, target, connectionId, token.sealed());
        try {
            return new Used<>(use.with(renewed.value()), renewed.sealed());
        } catch (McpAuthorizationException again) {
            throw refusals.needsReauth(connectionId, again);
        }
    }

    /**
     * The current access token; renewed when it expires soon, or when {@code refused} (the sealed token a server
     * just refused) is still the stored one. No transaction spans the HTTP call.
     */
    Token forCall(Member member, ConnectorDirectory.Target target, UUID connectionId, byte[] refused)
            throws OAuthFlowException, ReauthenticationNeeded {
        Instant deadline = clock.instant().plus(timeout.multipliedBy(3));
        while (true) {
            StoredConnection row = access.find(connectionId).orElse(null);
            if (row == null || row.status() == ConnectionStatus.NEEDS_REAUTH) {
                throw new ReauthenticationNeeded();
            }
            boolean stale = refused != null ? Arrays.equals(row.accessToken(), refused) : expiresSoon(row);
            if (!stale) {
                return stored(row);
            }
            // enterprise-managed: no refresh token; renewed by exchanging the member's identity assertion again
            boolean managed = row.refreshToken() == null && enterpriseManaged.isEnterpriseManaged(row.id());
            if (row.refreshToken() == null && !managed) {
                if (refused != null || isExpired(row)) {
                    String reason = "Your sign-in to " + target.connector().name() + " expired and the server gave "
                            + "no way to renew it. Reconnect.";
                    tx.executeWithoutResult(s -> repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH,
                            reason, row.requiredScope(), row.stepUps(), access.now()));
                    throw new ReauthenticationNeeded();
                }
                return stored(row);
            }
            OffsetDateTime claimUntil = access.now().plus(timeout.multipliedBy(2));
            if (Boolean.TRUE.equals(tx.execute(s -> repository.claimRefresh(connectionId, row.accessToken(),
                    access.now(), claimUntil)))) {
                return managed ? exchangeAgain(member, target, row) : refresh(member, target, row);
            }
            waitForRenewal(deadline);
        }
    }

    private Token stored(StoredConnection row) {
        return new Token(sealed.open(row, SealedTokens.ACCESS), row.accessToken());
    }

    private void waitForRenewal(Instant deadline) throws OAuthFlowException {
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

    /** Renews the row's tokens, holding the claim; stores them unless the connection ended meanwhile. */
    private Token refresh(Member member, ConnectorDirectory.Target target, StoredConnection row)
            throws OAuthFlowException, ReauthenticationNeeded {
        EgressClient client = egress.forOrganization(member.orgId());
        TokenSet tokens;
        try {
            tokens = requestRefresh(client, target, row);
        } catch (OAuthFlowException | DiscoveryException e) {
            boolean definitive = e instanceof OAuthFlowException f && (f.isInvalidGrant() || f.isInvalidClient());
            String reason = recordFailedRefresh(member, target, row, e, definitive);
            if (definitive) {
                throw new ReauthenticationNeeded();
            }
            throw new OAuthFlowException(reason);
        } catch (RuntimeException e) {
            tx.executeWithoutResult(s -> repository.releaseRefresh(row.id()));
            throw e;
        }
        ConsoleMetrics.tokenRefresh(true);
        byte[] accessToken = sealed.seal(tokens.accessToken(), SealedTokens.ACCESS, row.orgId(), row.id());
        byte[] refreshToken = sealed.seal(tokens.refreshToken(), SealedTokens.REFRESH, row.orgId(), row.id());
        boolean saved = Boolean.TRUE.equals(tx.execute(s -> repository.saveRefreshed(row.id(), row.accessToken(),
                accessToken, refreshToken, String.join(" ", tokens.scopes()), tokens.expiresAt(), access.now())));
        if (!saved) {
            // The connection ended (disconnect, connector removed) while renewing: the new tokens must not live on.
            revocation.revokeQuietly(member.orgId(), row.issuer(), clients.of(target, row), tokens.refreshToken(),
                    tokens.accessToken());
            throw new ReauthenticationNeeded();
        }
        return new Token(tokens.accessToken(), accessToken);
    }

    /** Renews an enterprise-managed connection's token by exchange, holding the claim (decision 0059). */
    private Token exchangeAgain(Member member, ConnectorDirectory.Target target, StoredConnection row)
            throws OAuthFlowException, ReauthenticationNeeded {
        TokenSet tokens = enterprise.renew(member, target, row);
        ConsoleMetrics.tokenRefresh(true);
        byte[] accessToken = sealed.seal(tokens.accessToken(), SealedTokens.ACCESS, row.orgId(), row.id());
        String scope = tokens.scopes().isEmpty() ? row.scope() : String.join(" ", tokens.scopes());
        boolean saved = Boolean.TRUE.equals(tx.execute(s -> repository.saveRefreshed(row.id(), row.accessToken(),
                accessToken, null, scope, tokens.expiresAt(), access.now())));
        if (!saved) {
            throw new ReauthenticationNeeded();
        }
        return new Token(tokens.accessToken(), accessToken);
    }

    private TokenSet requestRefresh(EgressClient client, ConnectorDirectory.Target target, StoredConnection row)
            throws OAuthFlowException, DiscoveryException {
        AuthorizationServerMetadata as = AuthorizationTargets.server(client, row.issuer(),
                URI.create(target.connector().url()));
        OAuthClient oauthClient = clients.stored(target, as, row.clientId(), row.authMethod())
                .orElseThrow(() -> new OAuthFlowException("The connector's OAuth client changed since you "
                        + "connected.", "invalid_client", null));
        return TokenEndpoint.refresh(client, as, oauthClient, address.redirectUri(),
                sealed.open(row, SealedTokens.REFRESH), AuthorizationTarget.split(row.scope()),
                row.resourceIndicator() != null ? row.resourceIndicator() : resourceOf(target.connector()), timeout);
    }

    /**
     * Records the failed renewal (and audits it): a refused grant or client ({@code definitive}) needs the member
     * to sign in again; anything else leaves the connection failing for now. Returns the reason stored.
     */
    private String recordFailedRefresh(Member member, ConnectorDirectory.Target target, StoredConnection row,
            Exception e, boolean definitive) {
        ConsoleMetrics.tokenRefresh(false);
        String reason = definitive ? "Renewing your sign-in failed: " + e.getMessage() + " Reconnect."
                : "Renewing your sign-in failed for now: " + e.getMessage();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("reason", trim(e.getMessage()));
        // the state's words, as every page shows them (decision 0045)
        details.put("outcome", definitive ? ConnectorUseState.NEEDS_RECONNECT.label()
                : ConnectorUseState.FAILING.label() + " (will retry)");
        tx.executeWithoutResult(s -> {
            repository.setStatus(row.id(), definitive ? ConnectionStatus.NEEDS_REAUTH : ConnectionStatus.FAILING,
                    trim(reason), row.requiredScope(), row.stepUps(), access.now());
            audit.record(AuditRecord.of(member.orgId(), member.actor(), AuditAction.CONNECTION_REFRESH_FAILED)
                    .target("connector", target.connector().id().toString(), target.connector().name())
                    .details(details));
        });
        return reason;
    }

    private boolean expiresSoon(StoredConnection row) {
        return row.expiresAt() != null && row.expiresAt().isBefore(clock.instant().plus(REFRESH_AHEAD));
    }

    private boolean isExpired(StoredConnection row) {
        return row.expiresAt() != null && !row.expiresAt().isAfter(clock.instant());
    }
}
