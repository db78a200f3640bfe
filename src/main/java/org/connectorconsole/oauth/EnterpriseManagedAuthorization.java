package org.connectorconsole.oauth;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressFailures;
import org.connectorconsole.egress.EgressResponse;
import org.springframework.security.oauth2.client.endpoint.JwtBearerGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientJwtBearerTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.client.RestClientException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enterprise-managed authorization (the MCP extension {@value #EXTENSION_ID}, SEP-990, an application of the
 * Identity Assertion Authorization Grant): the member's identity assertion (the OpenID Connect ID token of their
 * single sign-on) is exchanged at the organization's identity provider for an ID-JAG (RFC 8693 token exchange,
 * {@link #requestGrant}), which the MCP server's authorization server redeems for an access token (RFC 7523 JWT
 * bearer grant, {@link #redeem}). No browser, no consent screen: the identity provider's policy decides. Both
 * requests go through the egress door; neither the ID token nor the ID-JAG is ever logged.
 */
public final class EnterpriseManagedAuthorization {

    public static final String EXTENSION_ID = "io.modelcontextprotocol/enterprise-managed-authorization";
    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";
    public static final String ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
    /** The {@code typ} header an ID-JAG carries (SEP-990 §4.3). */
    public static final String ID_JAG_TYP = "oauth-id-jag+jwt";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private EnterpriseManagedAuthorization() {
    }

    /**
     * The console's client at the organization's identity provider: its token endpoint and the client the console
     * signs members in with (the ID token's audience). With a secret the console authenticates with
     * {@code client_secret_basic}; without, it names itself with {@code client_id}. {@link #toString()} hides the
     * secret.
     */
    public record IdentityProvider(URI tokenEndpoint, String clientId, String clientSecret) {
        @Override
        public String toString() {
            return "IdentityProvider[tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId + ", secret="
                    + (clientSecret == null ? "none" : "(hidden)") + "]";
        }
    }

    /** An Identity Assertion JWT Authorization Grant and when it expires. {@link #toString()} hides it. */
    public record IdJag(String assertion, Instant expiresAt) {
        @Override
        public String toString() {
            return "IdJag[expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * Step 1 (SEP-990 §4): the token exchange at the identity provider. {@code audience} is the MCP server's
     * authorization server's issuer, {@code resource} the MCP server's resource identifier as published in its
     * protected resource metadata.
     *
     * @throws IdentityProviderRefusedException the provider answered with an OAuth error (its policy refused)
     * @throws OAuthFlowException the provider could not be reached or answered something that is not an ID-JAG
     */
    public static IdJag requestGrant(EgressClient egress, IdentityProvider idp, String idToken, String audience,
            String resource, Set<String> scopes, Duration timeout) throws OAuthFlowException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", TOKEN_EXCHANGE);
        form.put("requested_token_type", ID_JAG);
        form.put("audience", audience);
        form.put("resource", resource);
        if (scopes != null && !scopes.isEmpty()) {
            form.put("scope", String.join(" ", scopes));
        }
        form.put("subject_token", idToken);
        form.put("subject_token_type", ID_TOKEN);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("Accept", "application/json");
        if (idp.clientSecret() != null && !idp.clientSecret().isEmpty()) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((encode(idp.clientId()) + ":"
                    + encode(idp.clientSecret())).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", idp.clientId());
        }
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(encode(k) + "=" + encode(v)));
        EgressResponse response;
        try {
            response = egress.send("POST", egress.checkedUri(idp.tokenEndpoint()), headers,
                    body.toString().getBytes(StandardCharsets.UTF_8), timeout);
        } catch (IOException e) {
            throw new OAuthFlowException("The organization's identity provider could not be reached for the token "
                    + "exchange: " + EgressFailures.describe(e).orElse(e.getClass().getSimpleName()), null, e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (JacksonException e) {
            json = null;
        }
        if (response.status() != 200) {
            if (json != null && json.path("error").isString()) {
                String error = json.path("error").asString();
                String description = json.path("error_description").isString()
                        ? TokenEndpoint.truncate(json.path("error_description").asString()) : null;
                throw new IdentityProviderRefusedException("The organization's identity provider did not allow "
                        + "access (" + error + ").", error, description);
            }
            throw new OAuthFlowException("The organization's identity provider answered the token exchange with "
                    + "HTTP " + response.status() + ".");
        }
        if (json == null || !json.path("access_token").isString()) {
            throw new OAuthFlowException("The organization's identity provider answered the token exchange without "
                    + "a grant.");
        }
        if (!ID_JAG.equals(json.path("issued_token_type").asString(null))) {
            throw new OAuthFlowException("The organization's identity provider issued a "
                    + json.path("issued_token_type").asString("token of no stated type") + ", not an ID-JAG.");
        }
        String assertion = json.path("access_token").asString();
        Instant expires = null;
        try {
            JWT jwt = JWTParser.parse(assertion);
            Date exp = jwt.getJWTClaimsSet().getExpirationTime();
            expires = exp == null ? null : exp.toInstant();
        } catch (ParseException e) {
            throw new OAuthFlowException("The organization's identity provider issued an ID-JAG that is not a JWT.");
        }
        if (expires == null && json.path("expires_in").isNumber()) {
            expires = Instant.now().plusSeconds(json.path("expires_in").asLong());
        }
        return new IdJag(assertion, expires);
    }

    /**
     * Step 2 (SEP-990 §5): the RFC 7523 JWT bearer grant at the MCP server's authorization server, authenticated as
     * {@code client} (its registered credentials there). Spring Security's token client sends it through egress.
     * No refresh token is expected: when the access token expires, the console exchanges again.
     */
    public static TokenSet redeem(EgressClient egress, AuthorizationServerMetadata as, OAuthClient client, IdJag grant,
            Duration timeout) throws OAuthFlowException {
        if (as.tokenEndpoint() == null) {
            throw new OAuthFlowException(as.refusal("token_endpoint").map(AddressRefusal::sentence)
                    .orElse("The authorization server " + as.issuer() + " names no token endpoint in its metadata."));
        }
        ClientRegistration registration = ClientRegistration.withRegistrationId("enterprise-managed")
                .clientId(client.clientId())
                .clientSecret(client.clientSecret())
                .clientAuthenticationMethod(new ClientAuthenticationMethod(client.authMethod()))
                .authorizationGrantType(AuthorizationGrantType.JWT_BEARER)
                .tokenUri(as.tokenEndpoint().toString())
                .build();
        RestClientJwtBearerTokenResponseClient tokens = new RestClientJwtBearerTokenResponseClient();
        tokens.setRestClient(TokenEndpoint.restClient(egress, timeout));
        try {
            return TokenEndpoint.tokenSet(tokens.getTokenResponse(new JwtBearerGrantRequest(registration,
                    jwt(grant))), Set.of());
        } catch (OAuth2AuthorizationException e) {
            throw TokenEndpoint.failure("redeeming the organization's grant", e);
        } catch (RestClientException e) {
            throw TokenEndpoint.transportFailure("redeeming the organization's grant", e);
        }
    }

    /** Spring's grant request carries a {@link Jwt}; the console only passes the ID-JAG on, never trusts it. */
    private static Jwt jwt(IdJag grant) throws OAuthFlowException {
        try {
            JWT parsed = JWTParser.parse(grant.assertion());
            Map<String, Object> claims = new LinkedHashMap<>(parsed.getJWTClaimsSet().getClaims());
            claims.replaceAll((k, v) -> v instanceof Date d ? d.toInstant() : v);
            if (claims.isEmpty()) {
                claims.put("sub", "");
            }
            Map<String, Object> header = new LinkedHashMap<>(parsed.getHeader().toJSONObject());
            return Jwt.withTokenValue(grant.assertion()).headers(h -> h.putAll(header)).claims(c -> c.putAll(claims))
                    .build();
        } catch (ParseException | IllegalArgumentException e) {
            throw new OAuthFlowException("The organization's grant is not a JWT.");
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
