package org.connectorconsole.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /actuator/prometheus} answers a scraper that presents the metrics credential
 * ({@code Authorization: Bearer <CONSOLE_METRICS_TOKEN>}) and nobody else: not anonymous callers, and not a
 * signed-in browser either (its cookie counts for nothing here). With no credential configured the endpoint is
 * closed. Stateless: no session is created.
 */
@Configuration(proxyBeanMethods = false)
class MetricsEndpointSecurity {

    static final String PATH = "/actuator/prometheus";
    /** Shorter credentials are refused at start-up: a scrape credential is a secret like any other. */
    static final int MINIMUM_TOKEN_LENGTH = 24;

    @Bean
    @Order(0)
    SecurityFilterChain metricsSecurityFilterChain(HttpSecurity http,
            @Value("${console.metrics.token:}") String token) throws Exception {
        if (!token.isEmpty() && token.length() < MINIMUM_TOKEN_LENGTH) {
            throw new IllegalStateException("CONSOLE_METRICS_TOKEN must be at least " + MINIMUM_TOKEN_LENGTH
                    + " characters long (e.g. openssl rand -base64 32).");
        }
        http.securityMatcher(PATH)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable()) // GET only, and no cookie is accepted
                .requestCache(cache -> cache.disable())
                .addFilterAfter(new MetricsTokenFilter(token), SecurityContextHolderFilter.class)
                // the filter above lets nothing through without the credential
                .authorizeHttpRequests(auth -> auth.anyRequest().permitAll());
        return http.build();
    }

    static final class MetricsTokenFilter extends OncePerRequestFilter {
        private final byte[] expected;

        MetricsTokenFilter(String token) {
            this.expected = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (expected == null) {
                refuse(response, 404, "The metrics endpoint is off: set CONSOLE_METRICS_TOKEN to turn it on.");
                return;
            }
            String header = request.getHeader("Authorization");
            byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? header.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(expected, presented)) {
                response.setHeader("WWW-Authenticate", "Bearer realm=\"metrics\"");
                refuse(response, 401, "The metrics endpoint needs its credential: Authorization: Bearer "
                        + "<CONSOLE_METRICS_TOKEN>.");
                return;
            }
            chain.doFilter(request, response);
        }

        private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
            response.setStatus(status);
            response.setHeader("Cache-Control", "no-store");
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().write(message + "\n");
        }
    }
}
