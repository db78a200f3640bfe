package org.connectorconsole.gatewayauth;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.authorization.OAuth2ClientRegistration;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientRegistrationAuthenticationToken;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds on open dynamic client registration: each client address may register a few clients an hour (counted in
 * PostgreSQL, so every instance sees every attempt); a registration's metadata is small (a few redirect URIs, a
 * short name, no secret-bearing extras); and a registered client that was never used (no authorization, no consent)
 * is deleted after a day by a scheduled clean-up, which also removes authorizations nothing can use any more.
 */
@Component
class RegistrationLimit {

    private static final Logger log = LoggerFactory.getLogger(RegistrationLimit.class);
    static final int MAX_REDIRECT_URIS = 10;

    private final GatewayAuthRepository repository;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final int perAddressPerHour;
    private final Duration unusedFor;

    RegistrationLimit(GatewayAuthRepository repository, TransactionTemplate tx, Clock clock,
            @Value("${console.gateway.auth.registrations-per-address-per-hour:20}") int perAddressPerHour,
            @Value("${console.gateway.auth.unused-registration-hours:24}") long unusedHours) {
        this.repository = repository;
        this.tx = tx;
        this.clock = clock;
        this.perAddressPerHour = perAddressPerHour;
        this.unusedFor = Duration.ofHours(unusedHours);
    }

    Filter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !("POST".equals(request.getMethod())
                        && request.getRequestURI().equals(request.getContextPath() + "/oauth2/register"));
            }

            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    jakarta.servlet.FilterChain chain) throws jakarta.servlet.ServletException, java.io.IOException {
                if (!allow(request.getRemoteAddr())) {
                    response.setStatus(429);
                    response.setHeader("Retry-After", "3600");
                    response.setHeader("Cache-Control", "no-store");
                    response.setContentType("application/json;charset=UTF-8");
                    response.getWriter().write("{\"error\":\"too_many_requests\",\"error_description\":"
                            + "\"Too many client registrations from this address; try again later.\"}");
                    return;
                }
                chain.doFilter(request, response);
            }
        };
    }

    /** Counts one attempt from this address; false when it is over the hourly limit. */
    boolean allow(String address) {
        Instant now = clock.instant();
        String key = address == null ? "unknown" : address.length() > 64 ? address.substring(0, 64) : address;
        Integer before = tx.execute(s -> repository.registrationAttempt(key, now, now.minus(Duration.ofHours(1))));
        return before != null && before < perAddressPerHour;
    }

    /** Registration metadata bounds (Spring's own checks of the redirect URIs run first). */
    static void validateMetadata(OAuth2ClientRegistrationAuthenticationContext context) {
        OAuth2ClientRegistration registration =
                ((OAuth2ClientRegistrationAuthenticationToken) context.getAuthentication()).getClientRegistration();
        List<String> redirectUris = registration.getRedirectUris();
        if (redirectUris == null || redirectUris.isEmpty() || redirectUris.size() > MAX_REDIRECT_URIS
                || redirectUris.stream().anyMatch(u -> u.length() > ClientMetadataDocuments.MAX_URL)) {
            throw invalid("invalid_redirect_uri", "Register between 1 and " + MAX_REDIRECT_URIS
                    + " redirect URIs of at most " + ClientMetadataDocuments.MAX_URL + " characters.");
        }
        String name = registration.getClientName();
        if (name != null && name.length() > 200) {
            throw invalid("invalid_client_metadata", "client_name is longer than 200 characters.");
        }
        List<String> scopes = registration.getScopes();
        if (scopes != null && (scopes.size() > 20 || scopes.stream().anyMatch(s -> s.length() > 100))) {
            throw invalid("invalid_client_metadata", "At most 20 scopes of at most 100 characters.");
        }
        if (registration.getJwkSetUrl() != null) {
            throw invalid("invalid_client_metadata", "jwks_uri is not supported.");
        }
    }

    private static OAuth2AuthenticationException invalid(String code, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, description,
                "https://datatracker.ietf.org/doc/html/rfc7591#section-3.2.2"));
    }

    /** Unused registrations and dead authorizations go; runs on every instance, each delete is idempotent. */
    @Scheduled(fixedDelayString = "${console.gateway.auth.clean-up-minutes:30}", initialDelay = 5,
            timeUnit = java.util.concurrent.TimeUnit.MINUTES)
    void cleanUp() {
        cleanUp(clock.instant());
    }

    void cleanUp(Instant now) {
        int clients = repository.deleteUnusedRegistrations(now.minus(unusedFor));
        int authorizations = repository.deleteExpiredAuthorizations(now);
        if (clients + authorizations > 0) {
            log.info("Authorization server clean-up: {} unused client registration(s), {} expired authorization(s)",
                    clients, authorizations);
        }
    }
}
