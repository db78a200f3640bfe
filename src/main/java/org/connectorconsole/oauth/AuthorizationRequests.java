package org.connectorconsole.oauth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;

/** Step 7: the authorization request (PKCE S256, single-use {@code state}, {@code resource}). */
public final class AuthorizationRequests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private AuthorizationRequests() {
    }

    /** A started authorization: where to send the browser, and what the callback needs to finish it. */
    public record Started(String state, String codeVerifier, String authorizationUrl, Set<String> scopes) {
        @Override
        public String toString() {
            return "Started[authorizationUrl=" + authorizationUrl + "]";
        }
    }

    public static Started start(AuthorizationTarget target, OAuthClient client, String redirectUri,
            Set<String> scopes) {
        String state = random(32);
        String verifier = random(48);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(PkceParameterNames.CODE_CHALLENGE, s256(verifier));
        extra.put(PkceParameterNames.CODE_CHALLENGE_METHOD, "S256");
        extra.put("resource", target.resource().toString());
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(target.server().authorizationEndpoint().toString())
                .clientId(client.clientId())
                .redirectUri(redirectUri)
                .scopes(scopes)
                .state(state)
                .additionalParameters(extra)
                .build();
        return new Started(state, verifier, request.getAuthorizationRequestUri(), Set.copyOf(scopes));
    }

    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
