package org.connectorconsole.gatewayauth;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document): a client whose id is an https URL
 * publishes its metadata there. The document is fetched through {@code egress} (the SSRF policy applies: no private,
 * loopback or metadata addresses, no redirects), must be small (4 KiB by default), must name exactly that URL as its
 * {@code client_id}, must be a public client ({@code token_endpoint_auth_method} {@code none}) and lists the redirect
 * URIs the client may use. A document is kept for a few minutes, so a burst of sign-ins costs one fetch; a failed
 * fetch is not remembered.
 */
@Component
class ClientMetadataDocuments {

    static final int MAX_URL = 2048;
    private static final Logger log = LoggerFactory.getLogger(ClientMetadataDocuments.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Cached(RegisteredClient client, Instant until) {
    }

    private final Egress egress;
    private final Clock clock;
    private final Duration cacheFor;
    private final int maxBytes;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    ClientMetadataDocuments(Egress egress, Clock clock,
            @Value("${console.gateway.auth.metadata-document-cache-seconds:300}") long cacheSeconds,
            @Value("${console.gateway.auth.metadata-document-max-bytes:4096}") int maxBytes) {
        this.egress = egress;
        this.clock = clock;
        this.cacheFor = Duration.ofSeconds(cacheSeconds);
        this.maxBytes = maxBytes;
    }

    /**
     * The client a metadata document describes, or null when the URL is not an acceptable client id or its document
     * cannot be fetched or is not acceptable. {@code stored} keeps the registered client's internal id stable.
     */
    RegisteredClient client(String clientId, RegisteredClient stored) {
        Instant now = clock.instant();
        Cached cached = cache.get(clientId);
        if (cached != null && cached.until().isAfter(now)) {
            return cached.client();
        }
        try {
            RegisteredClient client = fetch(clientId, stored);
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(clientId, new Cached(client, now.plus(cacheFor)));
            return client;
        } catch (IOException | RuntimeException e) {
            // the URL comes from whoever sent the request: its reason is logged, never sent anywhere
            log.info("Client metadata document refused ({}): {}", clientId.length() > 200
                    ? clientId.substring(0, 200) + "…" : clientId, e.getMessage());
            return null;
        }
    }

    /** Forgets every cached document (tests; an owner changing egress rules). */
    void forget() {
        cache.clear();
    }

    private RegisteredClient fetch(String clientId, RegisteredClient stored) throws IOException {
        URI uri = acceptableUrl(clientId);
        EgressClient client = egress.withPrivateHosts(Set.of());
        EgressResponse response = client.get(client.checkedUri(uri), Map.of("Accept", "application/json"));
        if (response.status() != 200) {
            throw new IOException("the document answered HTTP " + response.status());
        }
        if (response.body().length > maxBytes) {
            throw new IOException("the document is larger than " + maxBytes + " bytes");
        }
        JsonNode doc = JSON.readTree(response.body());
        if (!doc.isObject() || !clientId.equals(doc.path("client_id").asString(null))) {
            throw new IOException("the document's client_id is not its own URL");
        }
        String method = doc.path("token_endpoint_auth_method").asString("none");
        if (!"none".equals(method)) {
            throw new IOException("only public clients (token_endpoint_auth_method none) may use a metadata document");
        }
        List<String> redirectUris = new ArrayList<>();
        for (JsonNode r : doc.path("redirect_uris")) {
            String value = r.asString(null);
            if (value == null || value.length() > MAX_URL || value.contains("#") || !isSafeRedirect(value)) {
                throw new IOException("a redirect URI is not acceptable");
            }
            redirectUris.add(value);
        }
        if (redirectUris.isEmpty() || redirectUris.size() > 10) {
            throw new IOException("the document must list between 1 and 10 redirect URIs");
        }
        String name = doc.path("client_name").asString(uri.getHost());
        if (name.isBlank() || name.length() > 200) {
            name = uri.getHost();
        }
        return RegisteredClient.withId(stored != null ? stored.getId()
                        : UUID.nameUUIDFromBytes(("cimd:" + clientId).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .toString())
                .clientId(clientId)
                .clientIdIssuedAt(stored != null ? stored.getClientIdIssuedAt() : clock.instant())
                .clientName(name)
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUris(uris -> uris.addAll(redirectUris))
                .build();
    }

    private URI acceptableUrl(String clientId) throws IOException {
        URI uri;
        try {
            uri = new URI(clientId);
        } catch (URISyntaxException e) {
            throw new IOException("the client id is not a URL");
        }
        boolean https = "https".equals(uri.getScheme());
        // plain http only where the egress policy allows this machine (development and tests)
        boolean devHttp = "http".equals(uri.getScheme()) && egress.settings().allowLoopbackHttp();
        if (!(https || devHttp) || uri.getHost() == null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null || uri.getRawPath() == null || uri.getRawPath().length() <= 1
                || uri.getRawPath().contains("/./") || uri.getRawPath().contains("/../")) {
            throw new IOException("the client id is not an https URL with a path");
        }
        return uri;
    }

    private static boolean isSafeRedirect(String value) {
        try {
            String scheme = new URI(value).getScheme();
            return scheme != null && !Set.of("javascript", "data", "vbscript", "file").contains(scheme.toLowerCase());
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
