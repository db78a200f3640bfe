package org.connectorconsole.gatewayauth;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.gateway.GatewayCaller;
import org.connectorconsole.gateway.GatewayCredentials;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.stereotype.Component;

/**
 * Access tokens of the console's authorization server, presented to the gateway. A token counts only while it is
 * live (not expired, not revoked, its grant not revoked) and only at the one endpoint it was issued for: its
 * audience must equal the {@code resource} asked, exactly. The grant's last use is noted (at most one write a
 * minute per grant).
 */
@Component
class GatewayAccessTokens implements GatewayCredentials {

    private final ConsoleAuthorizationService authorizations;
    private final GatewayAuthRepository repository;
    private final Clock clock;

    GatewayAccessTokens(ConsoleAuthorizationService authorizations, GatewayAuthRepository repository, Clock clock) {
        this.authorizations = authorizations;
        this.repository = repository;
        this.clock = clock;
    }

    @Override
    public Optional<GatewayCaller> authenticate(String bearerToken, String resource) {
        if (bearerToken == null || resource == null || bearerToken.length() > 512) {
            return Optional.empty();
        }
        OAuth2Authorization authorization = authorizations.findByToken(bearerToken, OAuth2TokenType.ACCESS_TOKEN);
        if (authorization == null) {
            return Optional.empty();
        }
        OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
        if (token == null || !bearerToken.equals(token.getToken().getTokenValue()) || token.isInvalidated()
                || token.getToken().getExpiresAt() == null
                || !token.getToken().getExpiresAt().isAfter(clock.instant())) {
            return Optional.empty();
        }
        Object audience = token.getClaims() == null ? null : token.getClaims().get("aud");
        if (!(audience instanceof List<?> list && list.size() == 1 && resource.equals(list.getFirst()))) {
            return Optional.empty();
        }
        return repository.grant(authorization.getId())
                .filter(grant -> resource.equals(grant.resource()))
                .map(grant -> {
                    repository.touch(grant.authorizationId(), clock.instant());
                    return new GatewayCaller(grant.orgId(), grant.userId(), grant.clientName(),
                            GatewayCaller.CredentialKind.OAUTH_GRANT, grant.authorizationId());
                });
    }
}
