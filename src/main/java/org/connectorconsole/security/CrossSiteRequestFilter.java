package org.connectorconsole.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a state-changing request that the browser says comes from another site: {@code Sec-Fetch-Site} when the
 * browser sends it (it cannot be set by a page), otherwise an {@code Origin} whose host is not the one the request
 * was sent to. A second line behind the CSRF token (a sign-in form posted from another site signed the visitor's
 * browser in, issue 15); clients that send neither header (scripts, tools) are left to the token.
 */
final class CrossSiteRequestFilter extends OncePerRequestFilter {

    static final String REFUSAL = "Refused: this request came from another site.";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!SAFE_METHODS.contains(request.getMethod()) && fromAnotherSite(request)) {
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            response.setContentType("text/plain");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Cache-Control", "no-store");
            response.getWriter().write(REFUSAL);
            return;
        }
        chain.doFilter(request, response);
    }

    static boolean fromAnotherSite(HttpServletRequest request) {
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null) {
            // "none" is a person typing or bookmarking; "same-site" is a sibling host, which is another origin
            String site = fetchSite.strip().toLowerCase(Locale.ROOT);
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.getHeader("Host");
        return host == null || !authority(origin).equals(withoutDefaultPort(host.strip().toLowerCase(Locale.ROOT)));
    }

    /** host[:port] of an Origin header, or a value no Host header equals ("null" and unreadable origins). */
    private static String authority(String origin) {
        try {
            URI uri = URI.create(origin.strip());
            if (uri.getHost() == null) {
                return "\0";
            }
            String host = uri.getHost().toLowerCase(Locale.ROOT);
            boolean defaultPort = uri.getPort() == -1
                    || uri.getPort() == 80 && "http".equalsIgnoreCase(uri.getScheme())
                    || uri.getPort() == 443 && "https".equalsIgnoreCase(uri.getScheme());
            return defaultPort ? host : host + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return "\0";
        }
    }

    private static String withoutDefaultPort(String host) {
        return host.endsWith(":80") || host.endsWith(":443") ? host.substring(0, host.lastIndexOf(':')) : host;
    }
}
