package org.connectorconsole.base;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The console's public address ({@code console.public-url}, {@code CONSOLE_PUBLIC_URL}) for links and redirect
 * URIs the console hands out. Without it (development), the origin of the request being served, which comes from
 * the request's Host header; without a request, this machine on the port it listens on.
 */
@Component
public class PublicAddress {

    private final String publicUrl;
    private final Environment environment;

    public PublicAddress(@Value("${console.public-url:}") String publicUrl, Environment environment) {
        String url = publicUrl == null ? "" : publicUrl.strip();
        this.publicUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.environment = environment;
    }

    /** The configured public URL without a trailing slash; empty when not configured. */
    public String configured() {
        return publicUrl;
    }

    /** The address to put in front of a path, without a trailing slash. */
    public String base() {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        return currentRequest().map(r -> r.getScheme() + "://" + r.getServerName()
                        + (isDefaultPort(r) ? "" : ":" + r.getServerPort()))
                .orElseGet(() -> "http://localhost:" + environment.getProperty("local.server.port",
                        environment.getProperty("server.port", "8080")));
    }

    private static boolean isDefaultPort(HttpServletRequest r) {
        return ("http".equals(r.getScheme()) && r.getServerPort() == 80)
                || ("https".equals(r.getScheme()) && r.getServerPort() == 443);
    }

    private static Optional<HttpServletRequest> currentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? Optional.of(attributes.getRequest()) : Optional.empty();
    }
}
