package org.connectorconsole.oauth;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What discovery found for a protected MCP server: the resource indicator to send ({@code resource}, RFC 8707: the
 * value the server published in its protected resource metadata, exactly as written, after it was checked to cover
 * the server's URL), its protected-resource metadata (null for a MCP 2025-03-26 server that publishes none), the
 * authorization server's metadata, and the scope its challenge named.
 */
public record AuthorizationTarget(String resource, ProtectedResourceMetadata resourceMetadata,
        AuthorizationServerMetadata server, String challengedScope) {

    /** RFC 8707 / MCP 2026-07-28 (SEP-2207): asked for only when the authorization server lists it. */
    public static final String OFFLINE_ACCESS = "offline_access";

    /** Whether the server publishes no protected resource metadata (the MCP 2025-03-26 fallbacks were used). */
    public boolean legacy() {
        return resourceMetadata == null;
    }

    /**
     * MCP scope selection: the challenge's {@code scope} first, else the resource's {@code scopes_supported}, else
     * none; on re-authorization (a step-up) the union with the scopes asked for before ({@code previous}, MCP
     * 2026-07-28, SEP-2350), so a step-up never loses what was granted; and {@code offline_access} (for a refresh
     * token) when, and only when, the authorization server lists it in its {@code scopes_supported} and some
     * other scope is asked for (a request that names no scope stays without one).
     */
    public Set<String> scopes(Set<String> previous) {
        Set<String> scopes = new LinkedHashSet<>();
        if (challengedScope != null && !challengedScope.isBlank()) {
            scopes.addAll(split(challengedScope));
        } else if (resourceMetadata != null) {
            scopes.addAll(resourceMetadata.scopesSupported());
        }
        scopes.addAll(previous);
        scopes.remove(OFFLINE_ACCESS);
        if (!scopes.isEmpty() && server.scopesSupported().contains(OFFLINE_ACCESS)) {
            scopes.add(OFFLINE_ACCESS);
        }
        return scopes;
    }

    /** Scopes to ask for at registration: everything this client may later need, so a step-up is not refused. */
    public Set<String> registrationScopes() {
        Set<String> scopes = new LinkedHashSet<>(split(challengedScope));
        if (resourceMetadata != null) {
            scopes.addAll(resourceMetadata.scopesSupported());
        }
        scopes.remove(OFFLINE_ACCESS);
        if (!scopes.isEmpty() && server.scopesSupported().contains(OFFLINE_ACCESS)) {
            scopes.add(OFFLINE_ACCESS);
        }
        return scopes;
    }

    public static Set<String> split(String scope) {
        Set<String> out = new LinkedHashSet<>();
        if (scope != null) {
            for (String s : scope.strip().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
