package org.connectorconsole.oauth;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What discovery found for a protected MCP server: the resource (the connector URL, as tokens must be bound to
 * it), its protected-resource metadata, the authorization server's metadata, and the scope its challenge named.
 */
public record AuthorizationTarget(URI resource, ProtectedResourceMetadata resourceMetadata,
        AuthorizationServerMetadata server, String challengedScope) {

    /**
     * MCP 2025-11-25 scope selection: the challenge's {@code scope} first, else the resource's
     * {@code scopes_supported}, else none; plus any scopes a step-up asks for.
     */
    public Set<String> scopes(Set<String> extra) {
        Set<String> scopes = new LinkedHashSet<>();
        if (challengedScope != null && !challengedScope.isBlank()) {
            scopes.addAll(split(challengedScope));
        } else {
            scopes.addAll(resourceMetadata.scopesSupported());
        }
        scopes.addAll(extra);
        return scopes;
    }

    /** Scopes to ask for at registration: everything this client may later need, so a step-up is not refused. */
    public Set<String> registrationScopes() {
        Set<String> scopes = new LinkedHashSet<>(split(challengedScope));
        scopes.addAll(resourceMetadata.scopesSupported());
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
