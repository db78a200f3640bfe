package org.connectorconsole.gatewayauth;

import java.util.List;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationGrantAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenClaimsContext;
import org.springframework.stereotype.Component;

/**
 * RFC 8707: every access token's audience is the one gateway endpoint its grant was made for (the {@code resource}
 * of the authorization request), for the first token and every refreshed one. A token request naming another
 * resource is refused ({@code invalid_target}); one naming none gets the grant's.
 */
@Component
class AudienceBinding {

    private final GatewayTargets targets;

    AudienceBinding(GatewayTargets targets) {
        this.targets = targets;
    }

    void customize(OAuth2TokenClaimsContext context) {
        OAuth2Authorization authorization = context.getAuthorization();
        OAuth2AuthorizationRequest request = authorization == null ? null
                : authorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
        String resource = AuthorizationRequests.resource(request);
        if (resource == null) {
            throw invalidTarget("The grant names no gateway endpoint.");
        }
        Authentication grant = context.getAuthorizationGrant();
        if (grant instanceof OAuth2AuthorizationGrantAuthenticationToken g) {
            Object asked = g.getAdditionalParameters().get(AuthorizationRequests.RESOURCE);
            if (asked != null && !resource.equals(asked)) {
                throw invalidTarget("This grant is for another gateway endpoint.");
            }
        }
        if (targets.resolve(resource).isEmpty()) {
            throw invalidTarget("The gateway endpoint of this grant no longer exists.");
        }
        context.getClaims().audience(new java.util.ArrayList<>(List.of(resource)));
    }

    private static OAuth2AuthenticationException invalidTarget(String description) {
        return new OAuth2AuthenticationException(new OAuth2Error("invalid_target", description,
                "https://www.rfc-editor.org/rfc/rfc8707#section-2"));
    }
}
