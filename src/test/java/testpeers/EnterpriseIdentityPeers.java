package testpeers;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enterprise-managed authorization's two servers, real and in this JVM on 127.0.0.1 (port 0 each):
 * <ul>
 * <li>an <b>identity provider</b> that issues OpenID Connect ID tokens ({@link #idToken}) and, at its token endpoint,
 * exchanges one for an ID-JAG (RFC 8693, {@code requested_token_type=…:id-jag}): it checks the ID token's signature,
 * issuer, expiry and that its audience is the authenticated client, then its policy (a subject in
 * {@link #deny} gets {@code access_denied}); ID-JAGs are RS256-signed with {@code typ: oauth-id-jag+jwt} and
 * published at {@code /jwks};</li>
 * <li>an MCP server's <b>authorization server</b> whose metadata lists the JWT bearer grant; its token endpoint
 * authenticates the client ({@code client_secret_basic}) and validates the ID-JAG as SEP-990 §5.1 and §6.4 ask:
 * signature against the identity provider's JWKS (fetched over HTTP by Nimbus), {@code typ}, {@code iss},
 * {@code aud} = its issuer, {@code exp}, {@code resource}, {@code client_id} = the authenticated client, and
 * {@code jti} never seen before. It issues opaque access tokens (no refresh token) that
 * {@code TestMcpServer.oauthProtected} checks at {@code /oauth2/introspect}; {@link #expireAccessTokens()} ends
 * them all at once (as their lifetime running out would).</li>
 * </ul>
 */
public final class EnterpriseIdentityPeers implements AutoCloseable {

    public static final String IDP_CLIENT_ID = "console-at-idp";
    public static final String IDP_CLIENT_SECRET = "console-idp-secret";
    public static final String AS_CLIENT_ID = "console-at-mcp-as";
    public static final String AS_CLIENT_SECRET = "console-mcp-as-secret";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer idp;
    private final HttpServer as;
    private final RSAKey idTokenKey;
    private final RSAKey grantKey;
    private final Set<String> denied = ConcurrentHashMap.newKeySet();
    private final Set<String> jtisSeen = ConcurrentHashMap.newKeySet();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final AtomicInteger redemptions = new AtomicInteger();
    private final AtomicInteger exchangeRequests = new AtomicInteger();
    private final List<String> asRefusals = new CopyOnWriteArrayList<>();
    private final DefaultJWTProcessor<SecurityContext> grantProcessor = new DefaultJWTProcessor<>();
    private volatile String expectedResource;

    private record Token(String subject, String scope, Instant expiresAt) {
    }

    public EnterpriseIdentityPeers() {
        this(false);
    }

    /**
     * {@code grantOnly}: the MCP authorization server's metadata offers only the JWT bearer grant (no authorization
     * endpoint, no PKCE), as a server made for enterprise-managed authorization alone may.
     */
    public EnterpriseIdentityPeers(boolean grantOnly) {
        try {
            idTokenKey = new RSAKeyGenerator(2048).keyID("id-token-key").generate();
            grantKey = new RSAKeyGenerator(2048).keyID("id-jag-key").generate();
            idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            as = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        idp.createContext("/jwks", ex -> send(ex, 200, new JWKSet(List.of(idTokenKey.toPublicJWK(),
                grantKey.toPublicJWK())).toString()));
        idp.createContext("/token", this::exchange);
        as.createContext("/.well-known/oauth-authorization-server", ex -> send(ex, 200, JSON.writeValueAsString(
                grantOnly ? Map.of("issuer", asIssuer(), "token_endpoint", asIssuer() + "/token",
                        "grant_types_supported", List.of("urn:ietf:params:oauth:grant-type:jwt-bearer"),
                        "token_endpoint_auth_methods_supported", List.of("client_secret_basic"))
                : Map.of("issuer", asIssuer(), "token_endpoint", asIssuer() + "/token",
                        // browser sign-in offered as well (nobody is sent there in these tests)
                        "authorization_endpoint", asIssuer() + "/authorize",
                        "code_challenge_methods_supported", List.of("S256"),
                        "grant_types_supported", List.of("urn:ietf:params:oauth:grant-type:jwt-bearer"),
                        "token_endpoint_auth_methods_supported", List.of("client_secret_basic"),
                        "response_types_supported", List.of("code")))));
        as.createContext("/token", this::redeem);
        as.createContext("/oauth2/introspect", this::introspect);
        idp.start();
        as.start();
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(URI.create(idpIssuer() + "/jwks").toURL()).retrying(false).build();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        grantProcessor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("oauth-id-jag+jwt")));
        grantProcessor.setJWSKeySelector(new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256),
                keys));
        grantProcessor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(asIssuer(),
                new JWTClaimsSet.Builder().issuer(idpIssuer()).build(),
                Set.of("sub", "exp", "iat", "jti", "resource", "client_id")));
    }

    public String idpIssuer() {
        return "http://127.0.0.1:" + idp.getAddress().getPort();
    }

    public URI idpTokenEndpoint() {
        return URI.create(idpIssuer() + "/token");
    }

    public String asIssuer() {
        return "http://127.0.0.1:" + as.getAddress().getPort();
    }

    /** The MCP server's resource identifier the authorization server serves (an ID-JAG for another is refused). */
    public EnterpriseIdentityPeers serving(String resource) {
        this.expectedResource = resource;
        return this;
    }

    /** An ID token for {@code subject}, as the provider issues it at single sign-on (audience: the console). */
    public String idToken(String subject, Instant expiresAt) {
        return sign(idTokenKey, null, new JWTClaimsSet.Builder().issuer(idpIssuer()).subject(subject)
                .audience(IDP_CLIENT_ID).issueTime(new Date()).expirationTime(Date.from(expiresAt))
                .claim("email", subject + "@example.com").build());
    }

    /** The provider's policy refuses {@code subject} from now on. */
    public void deny(String subject) {
        denied.add(subject);
    }

    public void expireAccessTokens() {
        tokens.replaceAll((k, t) -> new Token(t.subject(), t.scope(), Instant.EPOCH));
    }

    /** Token-exchange requests received, granted or not. */
    public int exchangeRequests() {
        return exchangeRequests.get();
    }

    public int exchanges() {
        return exchanges.get();
    }

    public int redemptions() {
        return redemptions.get();
    }

    /** Why the authorization server refused ID-JAGs, in order. */
    public List<String> asRefusals() {
        return asRefusals;
    }

    private void exchange(HttpExchange ex) throws IOException {
        exchangeRequests.incrementAndGet();
        Map<String, String> form = form(ex);
        String[] client = basic(ex);
        if (client == null || !IDP_CLIENT_ID.equals(client[0]) || !IDP_CLIENT_SECRET.equals(client[1])) {
            error(ex, 401, "invalid_client", "Unknown client.");
            return;
        }
        if (!"urn:ietf:params:oauth:grant-type:token-exchange".equals(form.get("grant_type"))
                || !"urn:ietf:params:oauth:token-type:id-jag".equals(form.get("requested_token_type"))
                || !"urn:ietf:params:oauth:token-type:id_token".equals(form.get("subject_token_type"))
                || form.get("audience") == null || form.get("resource") == null) {
            error(ex, 400, "invalid_request", "Not an ID-JAG token exchange.");
            return;
        }
        JWTClaimsSet idToken;
        try {
            SignedJWT jwt = SignedJWT.parse(form.get("subject_token"));
            if (!jwt.verify(new com.nimbusds.jose.crypto.RSASSAVerifier(idTokenKey.toRSAPublicKey()))) {
                throw new IllegalArgumentException("signature");
            }
            idToken = jwt.getJWTClaimsSet();
            if (!idpIssuer().equals(idToken.getIssuer()) || !idToken.getAudience().contains(client[0])
                    || idToken.getExpirationTime().toInstant().isBefore(Instant.now())) {
                throw new IllegalArgumentException("claims");
            }
        } catch (Exception e) {
            error(ex, 400, "invalid_grant", "The subject token is not a valid ID token of this provider.");
            return;
        }
        if (denied.contains(idToken.getSubject())) {
            error(ex, 400, "access_denied", "Policy <b>MCP-Engineering-Only</b> does not allow " + idToken.getSubject()
                    + " to use this server.");
            return;
        }
        exchanges.incrementAndGet();
        String grant = sign(grantKey, new JOSEObjectType("oauth-id-jag+jwt"), new JWTClaimsSet.Builder()
                .issuer(idpIssuer()).subject(idToken.getSubject()).audience(form.get("audience"))
                .claim("resource", form.get("resource")).claim("client_id", AS_CLIENT_ID)
                .jwtID(UUID.randomUUID().toString()).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("scope", form.getOrDefault("scope", null)).build());
        send(ex, 200, JSON.writeValueAsString(Map.of("access_token", grant,
                "issued_token_type", "urn:ietf:params:oauth:token-type:id-jag", "token_type", "N_A",
                "expires_in", 300)));
    }

    private void redeem(HttpExchange ex) throws IOException {
        Map<String, String> form = form(ex);
        String[] client = basic(ex);
        if (client == null || !AS_CLIENT_ID.equals(client[0]) || !AS_CLIENT_SECRET.equals(client[1])) {
            error(ex, 401, "invalid_client", "Unknown client.");
            return;
        }
        if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
            error(ex, 400, "unsupported_grant_type", "Only the JWT bearer grant.");
            return;
        }
        JWTClaimsSet claims;
        try {
            claims = grantProcessor.process(form.get("assertion"), null);
        } catch (Exception e) {
            refuse(ex, "signature or claims: " + e.getMessage());
            return;
        }
        if (!client[0].equals(claims.getClaim("client_id"))) {
            refuse(ex, "client_id " + claims.getClaim("client_id"));
            return;
        }
        if (expectedResource != null && !expectedResource.equals(claims.getClaim("resource"))) {
            refuse(ex, "resource " + claims.getClaim("resource"));
            return;
        }
        if (!jtisSeen.add(claims.getJWTID())) {
            refuse(ex, "jti replayed");
            return;
        }
        redemptions.incrementAndGet();
        String token = "ema-" + UUID.randomUUID();
        String scope = claims.getClaim("scope") == null ? "tools.read" : claims.getClaim("scope").toString();
        tokens.put(token, new Token(claims.getSubject(), scope, Instant.now().plusSeconds(3600)));
        send(ex, 200, JSON.writeValueAsString(Map.of("access_token", token, "token_type", "Bearer",
                "expires_in", 3600, "scope", scope)));
    }

    private void refuse(HttpExchange ex, String why) throws IOException {
        asRefusals.add(why);
        error(ex, 400, "invalid_grant", "The ID-JAG is not acceptable.");
    }

    private void introspect(HttpExchange ex) throws IOException {
        Token token = tokens.get(form(ex).getOrDefault("token", ""));
        if (token == null || !token.expiresAt().isAfter(Instant.now())) {
            send(ex, 200, "{\"active\":false}");
            return;
        }
        send(ex, 200, JSON.writeValueAsString(Map.of("active", true, "sub", token.subject(),
                "scope", token.scope())));
    }

    private static String sign(RSAKey key, JOSEObjectType type, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type)
                    .build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(HttpExchange ex) throws IOException {
        Map<String, String> out = new HashMap<>();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String[] basic(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    }

    private static void error(HttpExchange ex, int status, String error, String description) throws IOException {
        send(ex, status, JSON.writeValueAsString(Map.of("error", error, "error_description", description)));
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        idp.stop(0);
        as.stop(0);
    }
}
