package org.connectorconsole.gatewayauth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.PublicAddress;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Protected resource metadata (RFC 9728) for each gateway endpoint, at the path-aware well-known address
 * ({@code /.well-known/oauth-protected-resource/mcp/o/{org}/u/{member}} and {@code .../mcp/c/{conversation}}):
 * {@code resource} is the endpoint's canonical address and {@code authorization_servers} the console's issuer. An
 * endpoint that does not exist is a 404. Served by a filter at the head of the authorization server's chain, so
 * Spring's own metadata filter (which serves one fixed resource and comes with the registration endpoint's
 * resource-server support) never answers for the gateway. Public by design: MCP clients read it before anyone signs
 * in; it says no more than the address itself.
 */
@Component
class ProtectedResourceMetadataController {

    static final String PREFIX = "/.well-known/oauth-protected-resource";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GatewayTargets targets;
    private final PublicAddress publicAddress;
    private final AuthorizationServerSettings settings;

    ProtectedResourceMetadataController(GatewayTargets targets, PublicAddress publicAddress,
            AuthorizationServerSettings settings) {
        this.targets = targets;
        this.publicAddress = publicAddress;
        this.settings = settings;
    }

    OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !request.getRequestURI().startsWith(request.getContextPath() + PREFIX);
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                    response.setStatus(405);
                    response.setHeader("Allow", "GET");
                    return;
                }
                String path = request.getRequestURI().substring(request.getContextPath().length() + PREFIX.length());
                Map<String, Object> body = metadata(path);
                response.setStatus(body.containsKey("error") ? 404 : 200);
                response.setHeader("Cache-Control", "no-store");
                response.setContentType("application/json;charset=UTF-8");
                response.getWriter().write(JSON.writeValueAsString(body));
            }
        };
    }

    Map<String, Object> metadata(String path) {
        return targets.byPath(path)
                .<Map<String, Object>>map(target -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("resource", target.resource());
                    body.put("authorization_servers", List.of(issuer()));
                    body.put("bearer_methods_supported", List.of("header"));
                    body.put("resource_name", target.isConversation()
                            ? "Connector Console: one conversation's connectors" : "Connector Console gateway");
                    return body;
                })
                .orElseGet(() -> Map.of("error", "not_found", "error_description", "No such gateway endpoint."));
    }

    /** The issuer: the configured one, or (development) the address this request came to, as Spring resolves it. */
    String issuer() {
        return settings.getIssuer() != null ? settings.getIssuer() : publicAddress.base();
    }
}
