package org.connectorconsole.gatewayauth;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Public clients (no secret: MCP clients on people's machines) beyond the code exchange Spring Authorization Server
 * supports for them: they refresh (with rotation, so a stolen refresh token works once at most and its use shows)
 * and revoke with their {@code client_id} alone (OAuth 2.1 §4.3.1, RFC 7009 §2.1).
 */
final class PublicClients {

    private PublicClients() {
    }

    /** A refresh or revocation request naming only its client_id (no secret, no code verifier). */
    static final class Converter implements AuthenticationConverter {
        @Override
        public Authentication convert(HttpServletRequest request) {
            String clientId = request.getParameter("client_id");
            String grantType = request.getParameter("grant_type");
            boolean refresh = "refresh_token".equals(grantType);
            boolean revoke = grantType == null && request.getRequestURI().endsWith("/oauth2/revoke");
            if (clientId == null || !(refresh || revoke) || request.getParameter("client_secret") != null
                    || request.getHeader(HttpHeaders.AUTHORIZATION) != null
                    || request.getParameterValues("client_id").length != 1) {
                return null;
            }
            return new OAuth2ClientAuthenticationToken(clientId, ClientAuthenticationMethod.NONE, null,
                    Map.of("grant_type", refresh ? "refresh_token" : "revoke"));
        }
    }

    /** Authenticates such a request for a client registered as public. */
    static final class Provider implements AuthenticationProvider {
        private final ConsoleClientRepository clients;

        Provider(ConsoleClientRepository clients) {
            this.clients = clients;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
            if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())
                    || request.getAdditionalParameters().get("code_verifier") != null
                    || !(request.getAdditionalParameters().get("grant_type") instanceof String g)
                    || !(g.equals("refresh_token") || g.equals("revoke"))) {
                return null; // not ours: Spring's own providers decide
            }
            RegisteredClient client = clients.findByClientId((String) request.getPrincipal());
            if (client == null || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
                throw new OAuth2AuthenticationException(new OAuth2Error("invalid_client",
                        "Client authentication failed.", null));
            }
            return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

    /** Refresh tokens for every client, public ones included (Spring's generator issues none to public clients). */
    static final class RefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {
        private final StringKeyGenerator keys = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);

        @Override
        public OAuth2RefreshToken generate(OAuth2TokenContext context) {
            if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
                return null;
            }
            Instant issuedAt = Instant.now();
            return new OAuth2RefreshToken(keys.generateKey(), issuedAt,
                    issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive()));
        }
    }
}
