package org.connectorconsole.gatewayauth;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.URI;
import java.util.regex.Pattern;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The consent page posts the member's answer to the authorization endpoint, which redirects the browser to the
 * client's redirect URI; browsers hold that redirect to the page's {@code form-action} directive, which is
 * {@code 'self'} on every console page. On the consent page only, the directive also names the origin (or, for an
 * app's own scheme, the scheme) of the redirect URI of the pending request the page shows — found by its state, as
 * the page itself finds it — and nothing else.
 */
@Configuration
class ConsentPageHeaders {

    private static final Pattern SAFE_SOURCE = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:(//[a-zA-Z0-9.\\-\\[\\]:]+)?$");
    private static final OAuth2TokenType STATE = new OAuth2TokenType("state");

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> consentPageFormAction(ConsoleAuthorizationService authorizations) {
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new OncePerRequestFilter() {
                    @Override
                    protected boolean shouldNotFilter(HttpServletRequest request) {
                        return !("GET".equals(request.getMethod()) && request.getRequestURI()
                                .equals(request.getContextPath() + AuthorizationServerConfiguration.CONSENT_PAGE));
                    }

                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                            FilterChain chain) throws ServletException, IOException {
                        String source = redirectSource(authorizations, request.getParameter("state"));
                        chain.doFilter(request, source == null ? response : new HttpServletResponseWrapper(response) {
                            @Override
                            public void setHeader(String name, String value) {
                                super.setHeader(name, widen(name, value, source));
                            }

                            @Override
                            public void addHeader(String name, String value) {
                                super.addHeader(name, widen(name, value, source));
                            }
                        });
                    }
                });
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        registration.addUrlPatterns(AuthorizationServerConfiguration.CONSENT_PAGE);
        return registration;
    }

    static String widen(String name, String value, String source) {
        return "Content-Security-Policy".equalsIgnoreCase(name) && value != null
                ? value.replace("form-action 'self'", "form-action 'self' " + source) : value;
    }

    /** The CSP source of the pending request's redirect URI: its origin, or its scheme for an app's own scheme. */
    static String redirectSource(ConsoleAuthorizationService authorizations, String state) {
        if (state == null || state.length() > 200) {
            return null;
        }
        OAuth2Authorization pending = authorizations.findByToken(state, STATE);
        OAuth2AuthorizationRequest request = pending == null ? null
                : pending.getAttribute(OAuth2AuthorizationRequest.class.getName());
        if (request == null || request.getRedirectUri() == null) {
            return null;
        }
        try {
            URI uri = URI.create(request.getRedirectUri());
            String scheme = uri.getScheme().toLowerCase();
            String source = scheme.equals("http") || scheme.equals("https")
                    ? scheme + "://" + uri.getRawAuthority() : scheme + ":";
            return SAFE_SOURCE.matcher(source).matches() ? source : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
