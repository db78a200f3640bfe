package org.connectorconsole.gatewayauth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.security.ConsoleUser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

/**
 * The authorization endpoint's rules beyond Spring Authorization Server's own: the redirect URI must be given and
 * equal one the client registered, character for character (no loopback port leeway); the request must name exactly
 * one gateway endpoint that exists as its {@code resource} (RFC 8707); a signed-in member may only authorize their
 * own endpoint, and only with the sign-in their organization requires. Answers carry {@code iss} (RFC 9207). A
 * refusal that must not go back to the client (an unknown client, a redirect URI not registered, another member's
 * endpoint) is a page that says what is wrong.
 */
@Component
class AuthorizationRequests {

    static final String RESOURCE = "resource";
    private static final String RFC8707 = "https://www.rfc-editor.org/rfc/rfc8707#section-2";

    private final GatewayTargets targets;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final ConsoleClientRepository clients;
    private final ConsoleAuthorizationService authorizations;

    AuthorizationRequests(GatewayTargets targets, AuditService audit, TransactionTemplate tx,
            ConsoleClientRepository clients, ConsoleAuthorizationService authorizations) {
        this.targets = targets;
        this.audit = audit;
        this.tx = tx;
        this.clients = clients;
        this.authorizations = authorizations;
    }

    /** The resource an authorization request named (validated when it was made). */
    static String resource(OAuth2AuthorizationRequest request) {
        Object value = request == null ? null : request.getAdditionalParameters().get(RESOURCE);
        return value instanceof String s ? s : null;
    }

    void validate(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        OAuth2AuthorizationCodeRequestAuthenticationToken request = context.getAuthentication();
        RegisteredClient client = context.getRegisteredClient();
        String redirectUri = request.getRedirectUri();
        if (!StringUtils.hasText(redirectUri) || !client.getRedirectUris().contains(redirectUri)) {
            throw refusal(request, null, "invalid_request", "The address this app wants to send you back to ("
                    + (StringUtils.hasText(redirectUri) ? redirectUri : "none given")
                    + ") is not one it registered, so the console will not send you there.");
        }
        Object resource = request.getAdditionalParameters().get(RESOURCE);
        if (!(resource instanceof String r) || r.isBlank()) {
            throw refusal(request, redirectUri, "invalid_target",
                    "The request must name exactly one gateway endpoint as its resource (RFC 8707).");
        }
        Optional<GatewayTargets.Target> target = targets.resolve(r);
        if (target.isEmpty()) {
            throw refusal(request, redirectUri, "invalid_target",
                    "The resource is not a gateway endpoint of this console.");
        }
        Authentication principal = (Authentication) request.getPrincipal();
        if (principal != null && principal.isAuthenticated() && principal.getPrincipal() instanceof ConsoleUser user) {
            GatewayTargets.Target t = target.get();
            if (!t.userId().equals(user.userId())) {
                throw refusal(request, null, "access_denied", t.isConversation()
                        ? "This app asks for access to a conversation that is not yours. You can only let apps "
                        + "use your own conversations."
                        : "This app asks for access to another member's gateway endpoint. You can only let apps "
                        + "use your own endpoint: copy its address from Your connectors.");
            }
            if (t.ssoRequired() && !user.signedInWithSso()) {
                throw refusal(request, null, "access_denied", t.orgName()
                        + " requires single sign-on: sign out, sign in with your identity provider, and try again.");
            }
        }
    }

    private static OAuth2AuthorizationCodeRequestAuthenticationException refusal(
            OAuth2AuthorizationCodeRequestAuthenticationToken request, String redirectUri, String code,
            String description) {
        OAuth2AuthorizationCodeRequestAuthenticationToken result = new OAuth2AuthorizationCodeRequestAuthenticationToken(
                request.getAuthorizationUri(), request.getClientId(), (Authentication) request.getPrincipal(),
                redirectUri, request.getState(), request.getScopes(), request.getAdditionalParameters());
        return new OAuth2AuthorizationCodeRequestAuthenticationException(
                new OAuth2Error(code, description, "invalid_target".equals(code) ? RFC8707 : null), result);
    }

    /** Sends the code back, with {@code iss}; records the grant in the endpoint's organization. */
    void sendAuthorizationResponse(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        OAuth2AuthorizationCodeRequestAuthenticationToken result =
                (OAuth2AuthorizationCodeRequestAuthenticationToken) authentication;
        recordGrant(result);
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(result.getRedirectUri())
                .queryParam("code", result.getAuthorizationCode().getTokenValue());
        if (StringUtils.hasText(result.getState())) {
            uri.queryParam("state", UriUtils.encode(result.getState(), StandardCharsets.UTF_8));
        }
        uri.queryParam("iss", UriUtils.encode(issuer(), StandardCharsets.UTF_8));
        redirect(response, uri.build(true).toUriString());
    }

    private void recordGrant(OAuth2AuthorizationCodeRequestAuthenticationToken result) {
        if (!(result.getPrincipal() instanceof Authentication principal)
                || !(principal.getPrincipal() instanceof ConsoleUser user)) {
            return;
        }
        var authorization = authorizations.findByToken(result.getAuthorizationCode().getTokenValue(),
                new org.springframework.security.oauth2.server.authorization.OAuth2TokenType("code"));
        String resource = authorization == null ? null
                : resource(authorization.getAttribute(OAuth2AuthorizationRequest.class.getName()));
        RegisteredClient client = clients.findByClientId(result.getClientId());
        Optional<GatewayTargets.Target> target = resource == null ? Optional.empty() : targets.resolve(resource);
        if (target.isEmpty() || client == null) {
            return;
        }
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(target.get().orgId(),
                        Actor.person(user.userId(), user.email()), AuditAction.GATEWAY_GRANT_ISSUED)
                .target("gateway_client", client.getClientId(), client.getClientName())
                .details(Map.of("resource", target.get().resource(), "redirect_uri", result.getRedirectUri()))));
    }

    /** A refusal: back to the client when its redirect URI is known to be its own, otherwise a page. */
    void sendErrorResponse(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
            throws IOException {
        OAuth2Error error = ((OAuth2AuthenticationException) exception).getError();
        OAuth2AuthorizationCodeRequestAuthenticationToken failed =
                exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException e
                        ? e.getAuthorizationCodeRequestAuthentication() : null;
        if (failed == null || !StringUtils.hasText(failed.getRedirectUri())) {
            page(response, "access_denied".equals(error.getErrorCode()) ? 403 : 400, error);
            return;
        }
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(failed.getRedirectUri())
                .queryParam("error", error.getErrorCode());
        if (StringUtils.hasText(error.getDescription())) {
            uri.queryParam("error_description", UriUtils.encode(error.getDescription(), StandardCharsets.UTF_8));
        }
        if (StringUtils.hasText(error.getUri())) {
            uri.queryParam("error_uri", UriUtils.encode(error.getUri(), StandardCharsets.UTF_8));
        }
        if (StringUtils.hasText(failed.getState())) {
            uri.queryParam("state", UriUtils.encode(failed.getState(), StandardCharsets.UTF_8));
        }
        uri.queryParam("iss", UriUtils.encode(issuer(), StandardCharsets.UTF_8));
        redirect(response, uri.build(true).toUriString());
    }

    private static void redirect(HttpServletResponse response, String location) {
        response.setStatus(302);
        response.setHeader("Location", location);
        response.setHeader("Cache-Control", "no-store");
    }

    private static String issuer() {
        return AuthorizationServerContextHolder.getContext().getIssuer();
    }

    static void page(HttpServletResponse response, int status, OAuth2Error error) throws IOException {
        String message = StringUtils.hasText(error.getDescription()) && !error.getDescription().startsWith("OAuth 2.0")
                ? error.getDescription()
                : switch (error.getErrorCode()) {
                    case "invalid_request" -> "This sign-in request is not valid (" + error.getDescription()
                            + "). Start again from the app.";
                    case "access_denied" -> "Access was refused.";
                    default -> "This sign-in request cannot be completed (" + error.getErrorCode() + ").";
                };
        response.setStatus(status);
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not allowed · Connector Console</title>
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <link rel="stylesheet" href="/styles.css"></head>
                <body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
                <h1 style="font-size: 1.5rem">An app asked for access</h1>
                <p id="refusal">%s</p>
                <p><a href="/">Back to the console</a></p>
                </body></html>
                """.formatted(HtmlUtils.htmlEscape(message)));
    }
}
