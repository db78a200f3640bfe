package org.connectorconsole.gatewayauth;

import java.security.Principal;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Component;

/**
 * Spring Authorization Server's JDBC authorization service, storing no token value (decision 0038): authorization
 * codes, access and refresh tokens and the consent state are written as {@code "h:" + SHA-256(value)} and looked up
 * by that hash. An authorization read back by a presented token carries that token's real value again (the caller
 * has it), so Spring's own checks and revocation work unchanged; the others keep their hashes, which are never handed
 * out. The signed-in person is stored as their name and authorities only (not the console's session object).
 *
 * <p>When an authorization first holds an access token, its grant is recorded (organization, member, client,
 * endpoint), which "Authorized apps" lists and {@link GatewayAccessTokens} reads.
 */
@Component
class ConsoleAuthorizationService extends JdbcOAuth2AuthorizationService {

    static final String HASHED = "h:";

    private final ConsoleClientRepository clients;
    private final GatewayAuthRepository repository;
    private final GatewayTargets targets;
    private final Clock clock;

    ConsoleAuthorizationService(JdbcOperations jdbc, ConsoleClientRepository clients, GatewayAuthRepository repository,
            GatewayTargets targets, Clock clock) {
        super(jdbc, clients);
        this.clients = clients;
        this.repository = repository;
        this.targets = targets;
        this.clock = clock;
    }

    static String hash(String value) {
        return value == null || value.startsWith(HASHED) ? value : HASHED + Tokens.sha256Hex(value);
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        OAuth2Authorization stored = stored(authorization);
        OAuth2Authorization.Token<OAuth2RefreshToken> refresh = stored.getRefreshToken();
        if (refresh != null) {
            repository.refreshTokenHash(stored.getId())
                    .filter(previous -> !previous.equals(refresh.getToken().getTokenValue()))
                    .ifPresent(previous -> repository.retireRefreshToken(previous, stored.getId(), clock.instant()));
        }
        super.save(stored);
        if (authorization.getAccessToken() != null) {
            recordGrant(authorization);
        }
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (token == null || token.startsWith(HASHED)) {
            return null;
        }
        OAuth2Authorization found = super.findByToken(hash(token), tokenType);
        if (found == null && (tokenType == null || OAuth2TokenType.REFRESH_TOKEN.equals(tokenType))) {
            // a refresh token already replaced by rotation: someone else holds this grant's tokens too
            repository.authorizationOfRetiredRefreshToken(hash(token)).ifPresent(reuse::accept);
        }
        return found == null ? null : withPresentedValue(found, token);
    }

    /** What happens when a retired refresh token comes back (set by {@link AuthorizedAppsService}: the grant ends). */
    private volatile java.util.function.Consumer<String> reuse = this::deleteAuthorization;

    private void deleteAuthorization(String authorizationId) {
        repository.deleteAuthorization(authorizationId);
    }

    void onRefreshTokenReuse(java.util.function.Consumer<String> action) {
        this.reuse = action;
    }

    private void recordGrant(OAuth2Authorization authorization) {
        OAuth2AuthorizationRequest request = authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        RegisteredClient client = request == null ? null : findClient(authorization.getRegisteredClientId());
        if (client == null) {
            return;
        }
        Optional<GatewayTargets.Target> target = targets.resolve(AuthorizationRequests.resource(request));
        target.ifPresent(t -> repository.recordGrant(authorization.getId(), t.orgId(), t.userId(), client.getId(),
                client.getClientId(), client.getClientName(), t.resource(), clock.instant()));
    }

    private RegisteredClient findClient(String id) {
        return clients.findById(id);
    }

    /** The form in which an authorization is written: hashed token values, a plain principal. */
    static OAuth2Authorization stored(OAuth2Authorization authorization) {
        OAuth2Authorization.Builder builder = OAuth2Authorization.from(authorization);
        for (Class<? extends OAuth2Token> type : List.of(OAuth2AuthorizationCode.class, OAuth2AccessToken.class,
                OAuth2RefreshToken.class)) {
            OAuth2Authorization.Token<? extends OAuth2Token> token = authorization.getToken(type);
            if (token != null && !token.getToken().getTokenValue().startsWith(HASHED)) {
                replace(builder, token, hash(token.getToken().getTokenValue()));
            }
        }
        builder.attributes(attributes -> {
            Object state = attributes.get("state");
            if (state instanceof String s) {
                attributes.put("state", hash(s));
            }
            if (attributes.get(Principal.class.getName()) instanceof Authentication principal
                    && !(principal instanceof UsernamePasswordAuthenticationToken u && u.getPrincipal() instanceof String)) {
                attributes.put(Principal.class.getName(), UsernamePasswordAuthenticationToken.authenticated(
                        principal.getName(), null, principal.getAuthorities().stream()
                                .map(a -> new SimpleGrantedAuthority(a.getAuthority()))
                                .collect(java.util.stream.Collectors.toCollection(java.util.ArrayList::new))));
            }
        });
        return builder.build();
    }

    /** The authorization with the presented token's real value in place of its hash (or the state restored). */
    private static OAuth2Authorization withPresentedValue(OAuth2Authorization found, String presented) {
        String hashed = hash(presented);
        OAuth2Authorization.Builder builder = OAuth2Authorization.from(found);
        for (Class<? extends OAuth2Token> type : List.of(OAuth2AuthorizationCode.class, OAuth2AccessToken.class,
                OAuth2RefreshToken.class)) {
            OAuth2Authorization.Token<? extends OAuth2Token> token = found.getToken(type);
            if (token != null && hashed.equals(token.getToken().getTokenValue())) {
                replace(builder, token, presented);
            }
        }
        if (hashed.equals(found.getAttribute("state"))) {
            builder.attribute("state", presented);
        }
        return builder.build();
    }

    private static void replace(OAuth2Authorization.Builder builder, OAuth2Authorization.Token<? extends OAuth2Token> token,
            String value) {
        Map<String, Object> metadata = new HashMap<>(token.getMetadata());
        OAuth2Token original = token.getToken();
        OAuth2Token copy = switch (original) {
            case OAuth2AccessToken a -> new OAuth2AccessToken(a.getTokenType(), value, a.getIssuedAt(),
                    a.getExpiresAt(), a.getScopes());
            case OAuth2RefreshToken r -> new OAuth2RefreshToken(value, r.getIssuedAt(), r.getExpiresAt());
            case OAuth2AuthorizationCode c -> new OAuth2AuthorizationCode(value, c.getIssuedAt(), c.getExpiresAt());
            default -> throw new IllegalStateException("unexpected token " + original.getClass().getSimpleName());
        };
        builder.token(copy, m -> {
            m.clear();
            m.putAll(metadata);
        });
    }
}
