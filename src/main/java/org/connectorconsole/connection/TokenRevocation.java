package org.connectorconsole.connection;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.oauth.AuthorizationDiscovery;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.DiscoveryException;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.TokenEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Asks an authorization server to revoke a connection's tokens (refresh token first, then access token). Never
 * inside a database transaction; a failure is an outcome, never an exception.
 */
@Component
class TokenRevocation {

    private static final Logger log = LoggerFactory.getLogger(TokenRevocation.class);

    private final Egress egress;
    private final SealedTokens sealed;
    private final Duration timeout;

    TokenRevocation(Egress egress, SealedTokens sealed,
            @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.egress = egress;
        this.sealed = sealed;
        this.timeout = timeout;
    }

    /** Revokes the tokens a stored (already deleted) connection held. */
    TokenEndpoint.Revocation revoke(OrganizationId orgId, StoredConnection row, Optional<OAuthClient> client) {
        return revoke(orgId, row, client, new HashMap<>());
    }

    /** As {@link #revoke(OrganizationId, StoredConnection, Optional)}, reusing servers already looked up. */
    TokenEndpoint.Revocation revoke(OrganizationId orgId, StoredConnection row, Optional<OAuthClient> client,
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
            return revoke(orgId, as, client.get(), sealed.open(row, "refresh"), sealed.open(row, "access"));
        } catch (DiscoveryException | RuntimeException e) {
            log.info("Revocation for connection {} failed: {}", row.id(), e.getMessage());
            return TokenEndpoint.Revocation.FAILED;
        }
    }

    /** Revokes tokens that were granted but never stored (the connection ended meanwhile), saying nothing. */
    void revokeQuietly(OrganizationId orgId, String issuer, Optional<OAuthClient> client, String refreshToken,
            String accessToken) {
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
}
