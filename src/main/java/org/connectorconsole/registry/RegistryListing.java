package org.connectorconsole.registry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.registry.internal.RegistryRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The private registry's content for its readers (the {@link RegistryController}, which has no signed-in person):
 * the organization's enabled connectors that everyone in it may use (decision 0058), as MCP Registry API v0.1
 * {@code ServerResponse} objects, keyset-paged by connector key.
 */
@Component
class RegistryListing {

    static final int DEFAULT_LIMIT = 30;
    static final int MAX_LIMIT = 100;
    static final String OFFICIAL_META = "io.modelcontextprotocol.registry/official";
    static final String CONSOLE_META = "org.connectorconsole/connector";

    private final RegistryRepository repository;
    private final PublicAddress publicAddress;

    RegistryListing(RegistryRepository repository, PublicAddress publicAddress) {
        this.repository = repository;
        this.publicAddress = publicAddress;
    }

    /** Whether this reader may read the organization's registry: empty when it is off (404 for everyone). */
    @Transactional(readOnly = true)
    public Optional<Boolean> mayRead(OrganizationId orgId, String bearerToken) {
        RegistryRepository.Settings s = repository.settings(orgId);
        return switch (RegistryAccess.valueOf(s.access())) {
            case OFF -> Optional.empty();
            case PUBLIC -> Optional.of(true);
            case TOKEN -> Optional.of(bearerToken != null && s.tokenHash() != null
                    && MessageDigest.isEqual(Tokens.sha256Hex(bearerToken).getBytes(StandardCharsets.US_ASCII),
                            s.tokenHash().getBytes(StandardCharsets.US_ASCII)));
        };
    }

    /** A page: the servers and the cursor of the next page (null on the last). */
    record Page(List<Map<String, Object>> servers, String nextCursor) {
    }

    @Transactional(readOnly = true)
    public Page servers(OrganizationId orgId, String cursor, int limit) {
        String after = cursor == null || cursor.isBlank() ? null : decodeCursor(cursor);
        String orgName = repository.organizationName(orgId).orElse("the organization");
        List<RegistryRepository.Entry> rows = repository.published(orgId, after, limit + 1);
        List<Map<String, Object>> servers = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            servers.add(response(rows.get(i), orgName));
        }
        String next = rows.size() > limit ? encodeCursor(rows.get(limit - 1).key()) : null;
        return new Page(servers, next);
    }

    /** The entry of one server name, if it is published. */
    @Transactional(readOnly = true)
    public Optional<Map<String, Object>> server(OrganizationId orgId, String serverName) {
        String prefix = namespace() + "/";
        if (serverName == null || !serverName.startsWith(prefix)) {
            return Optional.empty();
        }
        String orgName = repository.organizationName(orgId).orElse("the organization");
        return repository.publishedByKey(orgId, serverName.substring(prefix.length()))
                .map(e -> response(e, orgName));
    }

    /** The reverse-DNS namespace of this console's servers: its public host, reversed ("com.example.console"). */
    String namespace() {
        String host = URI.create(publicAddress.base()).getHost();
        if (host == null || host.isBlank()) {
            return "local.console";
        }
        if (host.matches("[0-9.]+") || host.contains(":")) {
            return host.replace(':', '-').replace("[", "").replace("]", "");
        }
        String[] labels = host.split("\\.");
        StringBuilder reversed = new StringBuilder();
        for (int i = labels.length - 1; i >= 0; i--) {
            reversed.append(reversed.isEmpty() ? "" : ".").append(labels[i]);
        }
        return reversed.toString();
    }

    private Map<String, Object> response(RegistryRepository.Entry e, String orgName) {
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("$schema", "https://static.modelcontextprotocol.io/schemas/2025-09-29/server.schema.json");
        server.put("name", namespace() + "/" + e.key());
        server.put("title", truncate(e.name(), 100));
        server.put("description", truncate(e.name() + ", approved by " + orgName, 100));
        server.put("version", "1.0." + e.version());
        server.put("remotes", List.of(Map.of("type", "streamable-http", "url", e.url())));
        Map<String, Object> official = new LinkedHashMap<>();
        official.put("status", "active");
        official.put("publishedAt", e.createdAt().toInstant().toString());
        official.put("updatedAt", e.updatedAt().toInstant().toString());
        official.put("isLatest", true);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(OFFICIAL_META, official);
        meta.put(CONSOLE_META, Map.of("connectorId", e.connectorId().toString(), "audience", "everyone"));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("server", server);
        response.put("_meta", meta);
        return response;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    private static String encodeCursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!key.matches("[a-z0-9-]{1,32}")) {
                throw new IllegalArgumentException("not a connector key");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new InvalidCursor();
        }
    }

    /** A cursor this registry did not hand out. */
    static final class InvalidCursor extends RuntimeException {
        InvalidCursor() {
            super("Invalid cursor: use the metadata.nextCursor of the previous page.");
        }
    }
}
