package org.connectorconsole.security;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AuthorizeHttpRequestsConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;

/**
 * A filter chain for machine callers that present a bearer token and nothing else (the audit API, SCIM, the
 * private registry, the gateway): the console's security headers; no session and nothing stored between requests;
 * no request cache and no anonymous caller; no CSRF token, because no cookie is a credential here, so no cross-site
 * request can borrow one; the given token filter placed right after the header writer (so that its refusals carry
 * the headers too) and trusted to let nothing through without a live token; and an entry point that answers any
 * request the access rules deny with 401 and {@code WWW-Authenticate: Bearer realm="…"}, never a redirect to a
 * sign-in page. See docs/decisions/0067-one-builder-for-bearer-only-chains.md.
 *
 * <pre>{@code
 * return BearerOnlyChain.on(http, "/api/**", "api").authenticatedBy(new BearerCallerFilter<>(tokens::authenticate, CALLER, refusal)).build();
 * }</pre>
 */
public final class BearerOnlyChain {

    private static final String BEARER = "Bearer ";

    private final HttpSecurity http;
    private final String pattern;
    private final String realm;
    private Filter authenticator;
    private Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry> access =
            auth -> auth.anyRequest().permitAll();

    private BearerOnlyChain(HttpSecurity http, String pattern, String realm) {
        this.http = http;
        this.pattern = pattern;
        this.realm = realm;
    }

    /** A chain for the requests {@code pattern} matches; {@code realm} names it in the entry point's challenge. */
    public static BearerOnlyChain on(HttpSecurity http, String pattern, String realm) {
        return new BearerOnlyChain(http, pattern, realm);
    }

    /**
     * The filter that checks the token and answers a refusal itself; every request it passes on is permitted
     * (unless {@link #access} says otherwise).
     */
    public BearerOnlyChain authenticatedBy(Filter tokenFilter) {
        this.authenticator = tokenFilter;
        return this;
    }

    /** Access rules instead of "permit what the token filter let through"; a denial meets the entry point. */
    public BearerOnlyChain access(
            Customizer<AuthorizeHttpRequestsConfigurer<HttpSecurity>.AuthorizationManagerRequestMatcherRegistry> rules) {
        this.access = rules;
        return this;
    }

    public SecurityFilterChain build() throws Exception {
        SecurityHeaders.apply(http);
        http.securityMatcher(pattern)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(context -> context.disable())
                .csrf(csrf -> csrf.disable())
                .requestCache(cache -> cache.disable())
                .anonymous(anonymous -> anonymous.disable())
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint(realm)));
        if (authenticator != null) {
            http.addFilterAfter(authenticator, HeaderWriterFilter.class);
        }
        http.authorizeHttpRequests(access);
        return http.build();
    }

    /**
     * The token of an {@code Authorization: Bearer …} header (the scheme in any case, the token stripped), or
     * empty when there is no such header or its token is blank.
     */
    public static Optional<String> token(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String token = header.substring(BEARER.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    static AuthenticationEntryPoint entryPoint(String realm) {
        return (request, response, exception) -> {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("application/json;charset=UTF-8");
            response.getWriter().write("{\"error\":\"unauthorized\",\"message\":\"This address answers only a "
                    + "request with a valid bearer token, and only the requests it serves.\"}");
        };
    }
}
