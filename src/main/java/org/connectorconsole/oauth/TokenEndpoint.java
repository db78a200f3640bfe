package org.connectorconsole.oauth;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.connectorconsole.base.Incidents;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressFailures;
import org.connectorconsole.egress.EgressRefusedException;
import org.connectorconsole.egress.EgressRequestFactory;
import org.connectorconsole.egress.EgressResponse;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.DefaultMapOAuth2AccessTokenResponseConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * Steps 8, 11 and 12: the code exchange, refresh and revocation, with {@code resource} on every token request and
 * the client authentication the registration names. Spring Security's token clients do the exchange and refresh;
 * they send through the egress door.
 */
public final class TokenEndpoint {

    /** Marks a response that carried {@code expires_in} (Spring would otherwise invent a 1-second lifetime). */
    private static final String EXPIRES_IN_SENT = "console.expires_in_sent";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenEndpoint.class);

    private TokenEndpoint() {
    }

    public static TokenSet exchange(EgressClient egress, AuthorizationServerMetadata as, OAuthClient client,
            String redirectUri, String code, String codeVerifier, String state, String resource, Duration timeout)
            throws OAuthFlowException {
        ClientRegistration registration = registration(as, client, redirectUri);
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(as.authorizationEndpoint().toString())
                .clientId(client.clientId())
                .redirectUri(redirectUri)
                .state(state)
                .attributes(a -> a.put(PkceParameterNames.CODE_VERIFIER, codeVerifier))
                .build();
        OAuth2AuthorizationResponse response = OAuth2AuthorizationResponse.success(code)
                .redirectUri(redirectUri).state(state).build();
        RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
        tokens.setRestClient(restClient(egress, timeout));
        tokens.setParametersCustomizer(parameters -> parameters.set("resource", resource));
        try {
            return tokenSet(tokens.getTokenResponse(new OAuth2AuthorizationCodeGrantRequest(registration,
                    new OAuth2AuthorizationExchange(request, response))), Set.of());
        } catch (OAuth2AuthorizationException e) {
            throw failure("exchanging the authorization code", e);
        } catch (RestClientException e) {
            throw transportFailure("exchanging the authorization code", e);
        }
    }

    public static TokenSet refresh(EgressClient egress, AuthorizationServerMetadata as, OAuthClient client,
            String redirectUri, String refreshToken, Set<String> scopes, String resource, Duration timeout)
            throws OAuthFlowException {
        ClientRegistration registration = registration(as, client, redirectUri);
        RestClientRefreshTokenTokenResponseClient tokens = new RestClientRefreshTokenTokenResponseClient();
        tokens.setRestClient(restClient(egress, timeout));
        tokens.setParametersCustomizer(parameters -> parameters.set("resource", resource));
        // The grant request needs an access token object; only the refresh token is sent.
        OAuth2AccessToken placeholder = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "expired",
                Instant.EPOCH, Instant.EPOCH.plusSeconds(1));
        try {
            OAuth2AccessTokenResponse answer = tokens.getTokenResponse(new OAuth2RefreshTokenGrantRequest(
                    registration, placeholder, new OAuth2RefreshToken(refreshToken, null), Set.of()));
            TokenSet set = tokenSet(answer, scopes);
            // No new refresh token: the old one stays valid (RFC 6749 §6); with one: rotation.
            return set.refreshToken() == null
                    ? new TokenSet(set.accessToken(), refreshToken, set.scopes(), set.expiresAt()) : set;
        } catch (OAuth2AuthorizationException e) {
            throw failure("refreshing the access token", e);
        } catch (RestClientException e) {
            throw transportFailure("refreshing the access token", e);
        }
    }

    /** The outcome of an RFC 7009 revocation, as the audit log records it. */
    public enum Revocation {
        REVOKED, NOT_OFFERED, FAILED
    }

    public static Revocation revoke(EgressClient egress, AuthorizationServerMetadata as, OAuthClient client,
            String token, String hint, Duration timeout) {
        if (as.refusal("revocation_endpoint").isPresent()) {
            return Revocation.FAILED; // offered, at an address the console will not call
        }
        if (as.revocationEndpoint() == null || token == null) {
            return Revocation.NOT_OFFERED;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("token_type_hint", hint);
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("Accept", "application/json");
        switch (client.authMethod()) {
            case OAuthClient.BASIC -> headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (encode(client.clientId()) + ":" + encode(client.clientSecret()))
                            .getBytes(StandardCharsets.UTF_8)));
            case OAuthClient.POST -> {
                form.put("client_id", client.clientId());
                form.put("client_secret", client.clientSecret());
            }
            default -> form.put("client_id", client.clientId());
        }
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(encode(k) + "=" + encode(v)));
        try {
            EgressResponse response = egress.send("POST", as.revocationEndpoint(), headers,
                    body.toString().getBytes(StandardCharsets.UTF_8), timeout);
            return response.status() == 200 ? Revocation.REVOKED : Revocation.FAILED;
        } catch (IOException e) {
            return Revocation.FAILED;
        }
    }

    static ClientRegistration registration(AuthorizationServerMetadata as, OAuthClient client, String redirectUri)
            throws OAuthFlowException {
        if (as.tokenEndpoint() == null || as.authorizationEndpoint() == null) {
            // Metadata read again for a refresh or a callback may name an address the policy refuses now.
            throw new OAuthFlowException(as.refusal("token_endpoint").or(() -> as.refusal("authorization_endpoint"))
                    .map(AddressRefusal::sentence).orElse("The authorization server " + as.issuer()
                            + " names no authorization or token endpoint in its metadata."));
        }
        return ClientRegistration.withRegistrationId("connector")
                .clientId(client.clientId())
                .clientSecret(client.clientSecret())
                .clientAuthenticationMethod(new ClientAuthenticationMethod(client.authMethod()))
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirectUri)
                .authorizationUri(as.authorizationEndpoint().toString())
                .tokenUri(as.tokenEndpoint().toString())
                .build();
    }

    static RestClient restClient(EgressClient egress, Duration timeout) {
        DefaultMapOAuth2AccessTokenResponseConverter standard = new DefaultMapOAuth2AccessTokenResponseConverter();
        OAuth2AccessTokenResponseHttpMessageConverter tokenConverter = new OAuth2AccessTokenResponseHttpMessageConverter();
        tokenConverter.setAccessTokenResponseConverter(parameters -> {
            OAuth2AccessTokenResponse parsed = standard.convert(parameters);
            if (!parameters.containsKey("expires_in")) {
                return parsed;
            }
            Map<String, Object> extra = new HashMap<>(parsed.getAdditionalParameters());
            extra.put(EXPIRES_IN_SENT, Boolean.TRUE);
            return OAuth2AccessTokenResponse.withResponse(parsed).additionalParameters(extra).build();
        });
        return RestClient.builder()
                .requestFactory(new EgressRequestFactory(egress, timeout))
                .configureMessageConverters(converters -> converters
                        .addCustomConverter(new FormHttpMessageConverter())
                        .addCustomConverter(tokenConverter))
                .defaultStatusHandler(TokenEndpoint::isError, TokenEndpoint::throwOAuthError)
                .build();
    }

    private static boolean isError(org.springframework.http.HttpStatusCode status) {
        return status.isError();
    }

    /**
     * RFC 6749 §5.2 errors come as 400, or 401 for {@code invalid_client}: read the {@code error} code from either
     * (Spring's handler reads only 400).
     */
    private static void throwOAuthError(org.springframework.http.HttpRequest request,
            org.springframework.http.client.ClientHttpResponse response) throws IOException {
        // RFC 6749 §5.2: a 401 from the token endpoint is a failed client authentication, body or not
        String error = response.getStatusCode().value() == 401 ? "invalid_client" : "server_error";
        String description = "HTTP " + response.getStatusCode().value();
        try {
            tools.jackson.databind.JsonNode body = ERRORS.readTree(response.getBody());
            if (body.path("error").isString()) {
                error = body.path("error").asString();
                description = body.path("error_description").isString() ? body.path("error_description").asString()
                        : null;
            }
        } catch (tools.jackson.core.JacksonException e) {
            // not a JSON error document: keep the status
        }
        throw new OAuth2AuthorizationException(new org.springframework.security.oauth2.core.OAuth2Error(error,
                description, null));
    }

    private static final tools.jackson.databind.json.JsonMapper ERRORS = tools.jackson.databind.json.JsonMapper
            .builder().build();

    static TokenSet tokenSet(OAuth2AccessTokenResponse response, Set<String> requested) {
        OAuth2AccessToken access = response.getAccessToken();
        boolean expires = Boolean.TRUE.equals(response.getAdditionalParameters().get(EXPIRES_IN_SENT));
        Set<String> scopes = access.getScopes().isEmpty() ? requested : access.getScopes();
        return new TokenSet(access.getTokenValue(),
                response.getRefreshToken() == null ? null : response.getRefreshToken().getTokenValue(),
                Set.copyOf(scopes), expires ? access.getExpiresAt() : null);
    }

    static OAuthFlowException failure(String step, OAuth2AuthorizationException e) {
        String code = e.getError().getErrorCode();
        String description = e.getError().getDescription();
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof EgressRefusedException refused) {
                return new OAuthFlowException("The console will not call the token endpoint: " + refused.getMessage(),
                        null, e);
            }
            cause = cause.getCause();
        }
        if ("invalid_token_response".equals(code)) {
            // Spring's own code for an answer it could not read; its description quotes the parser's exception
            return new OAuthFlowException("The authorization server's answer to " + step + " could not be read: "
                    + Incidents.talkingToTheServer(LOG, "Reading the token response failed while " + step, e),
                    code, e);
        }
        String readable = switch (code == null ? "" : code) {
            case "invalid_grant" -> "The authorization server no longer accepts this grant (it expired or was "
                    + "revoked): sign in to the connector again.";
            case "invalid_client", "unauthorized_client" -> "The authorization server does not accept the console's "
                    + "client credentials.";
            case "invalid_scope" -> "The authorization server refused the requested scopes.";
            default -> "The authorization server refused " + step + " (" + code + ").";
        };
        return new OAuthFlowException(readable + (description == null || description.isBlank() ? ""
                : " It said: " + truncate(description)), code, e);
    }

    static OAuthFlowException transportFailure(String step, RestClientException e) {
        return new OAuthFlowException("The token endpoint could not be reached while " + step + ": "
                + EgressFailures.describe(e).orElseGet(() -> Incidents.talkingToTheServer(LOG,
                        "The token endpoint failed while " + step, e)), null, e);
    }

    static String truncate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", " ");
        return clean.length() > 300 ? clean.substring(0, 300) + "…" : clean;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
