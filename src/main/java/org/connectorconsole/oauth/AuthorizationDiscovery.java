package org.connectorconsole.oauth;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.Incidents;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressFailures;
import org.connectorconsole.egress.EgressPolicy;
import org.connectorconsole.egress.EgressRefusedException;
import org.connectorconsole.egress.EgressResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * MCP authorization discovery (MCP 2025-11-25 "Authorization"): protected resource metadata with its well-known
 * fallbacks, then authorization server metadata with the ordered OAuth / OpenID Connect locations and an exact
 * issuer check. Every URL, including those a server hands back, goes through the egress policy.
 */
public final class AuthorizationDiscovery {

    public static final String MCP_PROTOCOL_VERSION = "2025-11-25";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> HEADERS = Map.of("Accept", "application/json",
            "MCP-Protocol-Version", MCP_PROTOCOL_VERSION);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AuthorizationDiscovery.class);

    private AuthorizationDiscovery() {
    }

    public static ProtectedResourceMetadata protectedResource(EgressClient egress, URI mcpUrl,
            BearerChallenge challenge) throws DiscoveryException {
        List<String> attempts = new ArrayList<>();
        List<URI> candidates = new ArrayList<>();
        boolean fromChallenge = challenge != null && challenge.resourceMetadata() != null
                && !challenge.resourceMetadata().isBlank();
        if (fromChallenge) {
            String named = challenge.resourceMetadata().strip();
            EgressPolicy.UrlCheck check = egress.policy().checkUrl(named);
            if (!check.ok()) {
                attempts.add(named + " — refused: " + check.problem());
                throw new DiscoveryException("The console will not fetch the resource_metadata " + named + " that "
                        + "the server's challenge names: " + check.problem(), attempts);
            }
            candidates.add(check.uri());
        } else {
            candidates.addAll(wellKnownResourceUrls(mcpUrl));
        }
        for (URI url : candidates) {
            Map<String, Object> doc = fetchJson(egress, url, attempts, fromChallenge);
            if (doc == null) {
                continue;
            }
            String resource = string(doc, "resource");
            List<String> servers = strings(doc, "authorization_servers");
            if (resource == null) {
                throw new DiscoveryException("The protected resource metadata at " + url + " names no resource.",
                        attempts);
            }
            if (!sameResource(resource, mcpUrl)) {
                throw new DiscoveryException("The protected resource metadata at " + url + " is for " + resource
                        + ", not for this connector's URL " + mcpUrl + "; a token issued for it would not be meant "
                        + "for this server.", attempts);
            }
            if (servers.isEmpty()) {
                throw new DiscoveryException("The protected resource metadata at " + url
                        + " names no authorization server.", attempts);
            }
            return new ProtectedResourceMetadata(url, resource, servers, strings(doc, "scopes_supported"));
        }
        throw new DiscoveryException("No protected resource metadata was found (tried "
                + candidates.size() + (candidates.size() == 1 ? " location" : " locations") + ").", attempts,
                nothingThere(attempts));
    }

    public static AuthorizationServerMetadata authorizationServer(EgressClient egress, String issuer)
            throws DiscoveryException {
        List<String> attempts = new ArrayList<>();
        EgressPolicy.UrlCheck issuerCheck = egress.policy().checkUrl(issuer);
        if (!issuerCheck.ok()) {
            throw new DiscoveryException("The console will not fetch the metadata of the authorization server "
                    + issuer + ": " + issuerCheck.problem(), attempts);
        }
        URI issuerUri = issuerCheck.uri();
        for (URI url : wellKnownServerUrls(issuerUri)) {
            Map<String, Object> doc = fetchJson(egress, url, attempts, false);
            if (doc == null) {
                continue;
            }
            String declared = string(doc, "issuer");
            // RFC 8414 §3.3, MCP 2026-07-28: the exact string the well-known URL was built from, no normalisation
            if (!issuer.equals(declared)) {
                throw new DiscoveryException("The metadata at " + url + " declares the issuer " + declared
                        + ", not " + issuer + " as expected; it may belong to another server (mix-up).", attempts);
            }
            Addresses addresses = new Addresses(egress.policy(), doc);
            return new AuthorizationServerMetadata(url, declared, addresses.get("authorization_endpoint"),
                    addresses.get("token_endpoint"), addresses.get("registration_endpoint"),
                    addresses.get("revocation_endpoint"), addresses.get("jwks_uri"),
                    strings(doc, "code_challenge_methods_supported"),
                    strings(doc, "token_endpoint_auth_methods_supported"), strings(doc, "scopes_supported"),
                    Boolean.TRUE.equals(doc.get("client_id_metadata_document_supported")),
                    Boolean.TRUE.equals(doc.get("authorization_response_iss_parameter_supported")),
                    addresses.refused, strings(doc, "grant_types_supported"));
        }
        throw new DiscoveryException("No authorization server metadata was found for " + issuer + ".", attempts,
                nothingThere(attempts));
    }

    /**
     * MCP 2025-03-26, for a server that publishes neither protected resource metadata nor authorization server
     * metadata: the authorization base URL is the MCP URL without its path, with the default endpoints
     * {@code /authorize}, {@code /token} and {@code /register} there (PKCE S256 was required by that revision).
     */
    public static AuthorizationServerMetadata legacyDefaults(EgressClient egress, URI mcpUrl) {
        String base = origin(mcpUrl);
        Addresses addresses = new Addresses(egress.policy(), Map.of("authorization_endpoint", base + "/authorize",
                "token_endpoint", base + "/token", "registration_endpoint", base + "/register"));
        return new AuthorizationServerMetadata(URI.create(base), base, addresses.get("authorization_endpoint"),
                addresses.get("token_endpoint"), addresses.get("registration_endpoint"), null, null, List.of("S256"),
                List.of(), List.of(), false, false, addresses.refused);
    }

    /** MCP 2025-03-26: the authorization base URL, the MCP URL's scheme and authority without its path. */
    public static String legacyIssuer(URI mcpUrl) {
        return origin(mcpUrl);
    }

    /** RFC 9728 §3.1: path-inserted well-known location first, then the root. */
    static List<URI> wellKnownResourceUrls(URI mcpUrl) {
        String origin = origin(mcpUrl);
        String path = trimTrailingSlash(mcpUrl.getRawPath());
        List<URI> urls = new ArrayList<>();
        if (!path.isEmpty()) {
            urls.add(URI.create(origin + "/.well-known/oauth-protected-resource" + path));
        }
        urls.add(URI.create(origin + "/.well-known/oauth-protected-resource"));
        return urls;
    }

    /** MCP 2025-11-25: OAuth then OpenID Connect, path-inserted, then OpenID Connect path-appended. */
    static List<URI> wellKnownServerUrls(URI issuer) {
        String origin = origin(issuer);
        String path = trimTrailingSlash(issuer.getRawPath());
        if (path.isEmpty()) {
            return List.of(URI.create(origin + "/.well-known/oauth-authorization-server"),
                    URI.create(origin + "/.well-known/openid-configuration"));
        }
        return List.of(URI.create(origin + "/.well-known/oauth-authorization-server" + path),
                URI.create(origin + "/.well-known/openid-configuration" + path),
                URI.create(origin + path + "/.well-known/openid-configuration"));
    }

    /**
     * Whether metadata declared for {@code declared} covers the MCP URL: the same origin (case-insensitive scheme
     * and host, default port) and a path equal to the URL's or a parent of it on a segment boundary (a server
     * may describe itself once for its whole origin). Another origin or a sibling path is never accepted.
     */
    public static boolean sameResource(String declared, URI mcpUrl) {
        try {
            URI d = URI.create(declared);
            if (d.getRawQuery() != null || d.getRawFragment() != null) {
                return false;
            }
            String resource = canonical(d);
            String url = canonical(mcpUrl);
            return url.equals(resource) || url.startsWith(resource + "/");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The canonical form of a resource URI (RFC 8707 {@code resource}). */
    public static String canonical(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        int port = uri.getPort();
        if ((scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)) {
            port = -1;
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase();
        return scheme + "://" + host + (port == -1 ? "" : ":" + port) + trimTrailingSlash(
                uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static Map<String, Object> fetchJson(EgressClient egress, URI url, List<String> attempts,
            boolean failHard) throws DiscoveryException {
        EgressResponse response;
        try {
            response = egress.get(url, HEADERS);
        } catch (EgressRefusedException e) {
            attempts.add(url + " — refused: " + e.getMessage());
            throw new DiscoveryException("The console will not fetch " + url + ": " + e.getMessage(), attempts);
        } catch (IOException e) {
            String why = EgressFailures.describe(e).orElseGet(() -> Incidents.talkingToTheServer(LOG,
                    "Fetching metadata from " + url + " failed", e));
            attempts.add(url + " — " + why);
            if (failHard) {
                throw new DiscoveryException("Fetching " + url + " failed: " + why, attempts);
            }
            return null;
        }
        if (response.isRedirect()) {
            attempts.add(url + " — redirected to " + response.header("location").orElse("?") + " (not followed)");
            if (failHard) {
                throw new DiscoveryException(url + " redirects; metadata must be served at the URL itself.",
                        attempts);
            }
            return null;
        }
        if (response.status() != 200) {
            attempts.add(url + " — HTTP " + response.status());
            if (failHard) {
                throw new DiscoveryException(url + " answered HTTP " + response.status() + ".", attempts);
            }
            return null;
        }
        try {
            Object parsed = JSON.readValue(response.body(), Object.class);
            if (!(parsed instanceof Map<?, ?> map)) {
                attempts.add(url + " — not a JSON object");
                throw new DiscoveryException(url + " did not return a JSON object.", attempts);
            }
            attempts.add(url + " — found");
            @SuppressWarnings("unchecked")
            Map<String, Object> doc = (Map<String, Object>) map;
            return doc;
        } catch (JacksonException e) {
            attempts.add(url + " — not valid JSON");
            throw new DiscoveryException(url + " did not return valid JSON.", attempts);
        }
    }

    /** Every location answered 4xx: there is no document, rather than a broken or unreachable one. */
    private static boolean nothingThere(List<String> attempts) {
        return !attempts.isEmpty() && attempts.stream().allMatch(a -> a.matches(".* — HTTP 4\\d\\d"));
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static String trimTrailingSlash(String path) {
        if (path == null) {
            return "";
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String string(Map<String, Object> doc, String key) {
        return doc.get(key) instanceof String s ? s : null;
    }

    /**
     * The addresses in a metadata document, each parsed once, by the egress policy, so that what the console later
     * calls is exactly what was judged; a refused one is kept with the policy's reason (a value that is not text
     * at all is refused too, rather than read as absent).
     */
    private static final class Addresses {
        private final EgressPolicy policy;
        private final Map<String, Object> doc;
        final List<AddressRefusal> refused = new ArrayList<>();

        Addresses(EgressPolicy policy, Map<String, Object> doc) {
            this.policy = policy;
            this.doc = doc;
        }

        URI get(String field) {
            Object value = doc.get(field);
            if (value == null) {
                return null;
            }
            if (!(value instanceof String text)) {
                refused.add(new AddressRefusal(field, String.valueOf(value), "it is not a URL."));
                return null;
            }
            EgressPolicy.UrlCheck check = policy.checkUrl(text);
            if (!check.ok()) {
                refused.add(new AddressRefusal(field, text, check.problem()));
                return null;
            }
            return check.uri();
        }
    }

    private static List<String> strings(Map<String, Object> doc, String key) {
        if (!(doc.get(key) instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
}
