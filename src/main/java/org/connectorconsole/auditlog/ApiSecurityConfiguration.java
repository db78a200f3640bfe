package org.connectorconsole.auditlog;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.connectorconsole.security.BearerCallerFilter;
import org.connectorconsole.security.BearerOnlyChain;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * {@code /api/**}: machine clients with API tokens only. No session, no cookie, no CSRF token (nothing here
 * changes state, and no browser credential is accepted); a request without a live token of the right scope is
 * answered 401 (or 403 for a token of another scope) before any controller runs, and a path no API controller
 * serves is a JSON 404 ({@link ApiNotFoundController}), never the Vaadin application. Answers and refusals carry
 * the same security headers as pages.
 */
@Configuration
class ApiSecurityConfiguration {

    static final String CALLER = "connector-console.api-caller";

    @Bean
    @Order(1)
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, ApiTokenService tokens) throws Exception {
        // the token filter lets nothing through without a live token of the right scope
        return BearerOnlyChain.on(http, "/api/**", "api").authenticatedBy(new BearerCallerFilter<>(
                tokens::authenticate, CALLER,
                response -> refuse(response, 401, "invalid_token", "An API token is required: Authorization: "
                        + "Bearer ccat_… (an owner creates one under Audit log › API tokens; revoked tokens stop "
                        + "working)."),
                (request, caller) -> request.getRequestURI().startsWith(request.getContextPath() + "/api/audit/")
                        && !ApiTokenService.SCOPE_AUDIT_EXPORT.equals(caller.scope())
                        ? response -> refuse(response, 403, "insufficient_scope",
                                "This token may not export the audit log.")
                        : null))
                .build();
    }

    private static void refuse(HttpServletResponse response, int status, String error, String message)
            throws IOException {
        response.setStatus(status);
        response.setHeader("WWW-Authenticate", "Bearer error=\"" + error + "\"");
        response.setHeader("Cache-Control", "no-store");
        // the messages hold non-ASCII characters (… and ›): say which encoding they are written in
        response.setContentType(ApiNotFoundController.JSON_UTF8);
        response.getWriter().write("{\"error\":\"" + error + "\",\"message\":\"" + message + "\"}");
    }
}
