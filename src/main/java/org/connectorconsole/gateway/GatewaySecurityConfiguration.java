package org.connectorconsole.gateway;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.security.BearerOnlyChain;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /mcp/**}: the gateway's MCP endpoints, for members' own MCP clients. A bearer token only: no session,
 * no cookie, no CSRF token (a browser's cookies are never a credential here, so no cross-site request can use the
 * endpoint), nothing stored between requests. Every request is checked before the MCP server sees it: the token
 * by each {@link GatewayCredentials} bean against the endpoint's resource, the credential's member against the
 * endpoint's (a conversation's: its owner), the membership as the database says now, and the organization's
 * gateway switch. A refusal is a 401 with {@code WWW-Authenticate: Bearer resource_metadata="…"} (RFC 9728), or a
 * 403 while an owner has the gateway off.
 */
@Configuration
class GatewaySecurityConfiguration {

    @Bean
    @Order(2)
    SecurityFilterChain gatewaySecurityFilterChain(HttpSecurity http, ObjectProvider<GatewayCredentials> credentials,
            CurrentMember currentMember, ConversationService conversations, GatewaySettingsService settings,
            PublicAddress address) throws Exception {
        // the filter lets nothing through without a live credential of the endpoint's member
        return BearerOnlyChain.on(http, GatewayEndpoints.PREFIX + "/**", "gateway")
                .authenticatedBy(new GatewayFilter(credentials, currentMember, conversations, settings, address))
                .build();
    }

    static final class GatewayFilter extends OncePerRequestFilter {
        private final ObjectProvider<GatewayCredentials> credentials;
        private final CurrentMember currentMember;
        private final ConversationService conversations;
        private final GatewaySettingsService settings;
        private final PublicAddress address;

        GatewayFilter(ObjectProvider<GatewayCredentials> credentials, CurrentMember currentMember,
                ConversationService conversations, GatewaySettingsService settings, PublicAddress address) {
            this.credentials = credentials;
            this.currentMember = currentMember;
            this.conversations = conversations;
            this.settings = settings;
            this.address = address;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader("Cache-Control", "no-store");
            String path = request.getRequestURI().substring(request.getContextPath().length());
            Optional<GatewayEndpoint.Named> named = GatewayEndpoint.parse(path);
            if (named.isEmpty()) {
                GatewayServlet.jsonError(response, 404, "not_found", "There is no gateway endpoint at this address. "
                        + "Copy your endpoint from Settings \u203a Connectors in the console.");
                return;
            }
            String canonical = GatewayEndpoint.canonical(named.get());
            String base = address.base();
            String resource = GatewayEndpoints.resource(base, canonical);
            String metadata = base + "/.well-known/oauth-protected-resource" + canonical;
            String header = request.getHeader("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                    || header.substring(7).isBlank()) {
                challenge(response, metadata, null, "Sign in: this MCP endpoint needs an access token of the "
                        + "console (your MCP client starts the sign-in) or a personal access token.");
                return;
            }
            String token = header.substring(7).strip();
            Optional<GatewayCaller> caller = authenticate(token, resource);
            if (caller.isEmpty()) {
                challenge(response, metadata, "invalid_token", "The token is not valid for this endpoint (unknown, "
                        + "expired or revoked).");
                return;
            }
            GatewayEndpoint endpoint = switch (named.get()) {
                case GatewayEndpoint.MemberNamed m -> new GatewayEndpoint(canonical, m.orgId(), m.userId(), null);
                case GatewayEndpoint.ConversationNamed c -> conversations.ownerOf(c.conversation())
                        .map(o -> new GatewayEndpoint(canonical, o.orgId(), o.userId(), c.conversation()))
                        .orElse(null);
            };
            GatewayCaller who = caller.get();
            // deny by default: another member's endpoint (or a conversation that is not the caller's, or none)
            if (endpoint == null || !endpoint.orgId().equals(who.organization())
                    || !endpoint.userId().equals(who.member())) {
                challenge(response, metadata, "invalid_token", "This token belongs to another endpoint: use it only "
                        + "with the endpoint it was issued for.");
                return;
            }
            Optional<Member> member = currentMember.of(who.member(), who.organization());
            if (member.isEmpty()) {
                challenge(response, metadata, "invalid_token", "You are no longer a member of this organization.");
                return;
            }
            GatewaySettings current = settings.of(who.organization());
            if (!current.enabled()) {
                GatewayServlet.jsonError(response, 403, "gateway_off", "An owner of " + member.get().orgName()
                        + " has switched the gateway off: your assistant cannot use the organization's connectors "
                        + "until an owner switches it on again.");
                return;
            }
            request.setAttribute(GatewayRequest.ATTRIBUTE, new GatewayRequest(endpoint, who, member.get(), current));
            chain.doFilter(request, response);
        }

        /** The credential beans, in order (singletons: looked up once, not on every request). */
        private volatile List<GatewayCredentials> ordered;

        private Optional<GatewayCaller> authenticate(String token, String resource) {
            List<GatewayCredentials> all = ordered;
            if (all == null) {
                all = credentials.orderedStream().toList();
                ordered = all;
            }
            for (GatewayCredentials c : all) {
                Optional<GatewayCaller> found = c.authenticate(token, resource);
                if (found.isPresent()) {
                    return found;
                }
            }
            return Optional.empty();
        }

        private static void challenge(HttpServletResponse response, String metadata, String error, String message)
                throws IOException {
            StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"").append(metadata).append('"');
            if (error != null) {
                challenge.append(", error=\"").append(error).append('"');
            }
            response.setHeader("WWW-Authenticate", challenge.toString());
            GatewayServlet.jsonError(response, 401, error == null ? "unauthorized" : error, message);
        }
    }
}
