package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;

/**
 * Identities are keyed by the ID token's issuer: a registration without an {@code issuer-uri} (where Spring does not
 * check {@code iss}) is refused, and an ID token from another issuer is refused before anything is looked up.
 * Nothing here reaches the enrollment or the database (both are absent).
 */
class SingleSignOnIssuerTest {

    private final SingleSignOn sso = new SingleSignOn(null, null, null, null, null);

    private static OidcUserRequest request(String configuredIssuer, String tokenIssuer) {
        ClientRegistration.Builder registration = ClientRegistration.withRegistrationId("corp")
                .clientId("console").clientSecret("secret").clientName("Corp SSO")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                .scope("openid", "email")
                .authorizationUri("https://idp.example/authorize").tokenUri("https://idp.example/token")
                .jwkSetUri("https://idp.example/jwks");
        if (configuredIssuer != null) {
            registration.issuerUri(configuredIssuer);
        }
        Instant now = Instant.now();
        OidcIdToken idToken = new OidcIdToken("id-token", now, now.plusSeconds(300),
                Map.of("iss", tokenIssuer, "sub", "someone", "aud", "console"));
        OAuth2AccessToken access = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access", now,
                now.plusSeconds(300));
        return new OidcUserRequest(registration.build(), access, idToken);
    }

    @Test
    void a_registration_without_an_issuer_uri_is_refused_with_a_message() {
        assertThatThrownBy(() -> sso.loadUser(request(null, "https://evil.example")))
                .isInstanceOf(OAuth2AuthenticationException.class)
                .satisfies(e -> {
                    OAuth2AuthenticationException ex = (OAuth2AuthenticationException) e;
                    assertThat(ex.getError().getErrorCode()).isEqualTo(SingleSignOn.REFUSED);
                    assertThat(ex.getError().getDescription()).contains("Corp SSO").contains("issuer-uri");
                });
    }

    @Test
    void an_id_token_from_another_issuer_is_refused() {
        assertThatThrownBy(() -> sso.loadUser(request("https://idp.example", "https://evil.example")))
                .isInstanceOf(OAuth2AuthenticationException.class)
                .satisfies(e -> assertThat(((OAuth2AuthenticationException) e).getError().getDescription())
                        .contains("another issuer"));
    }
}
