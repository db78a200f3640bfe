package org.connectorconsole.connection;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The console's own address, for the OAuth redirect URI and the client metadata document: {@code console.public-url}
 * when set (production), else the origin of the request being served (development and tests).
 */
@Component
public class ConsoleAddress {

    public static final String CALLBACK_PATH = "/connectors/oauth/callback";
    public static final String CLIENT_METADATA_PATH = "/oauth/client-metadata.json";

    private final String publicUrl;
    private final Environment environment;

    ConsoleAddress(@Value("${console.public-url:}") String publicUrl, Environment environment) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.environment = environment;
    }

    public String base() {
        if (!publicUrl.isEmpty()) {
            return publicUrl;
        }
        return currentRequest().map(r -> r.getScheme() + "://" + r.getServerName()
                        + (isDefaultPort(r) ? "" : ":" + r.getServerPort()))
                // no request (a background thread, the command line): this machine, on the port it listens on
                .orElseGet(() -> "http://localhost:" + environment.getProperty("local.server.port",
                        environment.getProperty("server.port", "8080")));
    }

    public String redirectUri() {
        return base() + CALLBACK_PATH;
    }

    /** The client metadata document URL, only when the console is served over HTTPS (as the spec requires). */
    public Optional<String> clientMetadataDocument() {
        return publicUrl.startsWith("https://") ? Optional.of(publicUrl + CLIENT_METADATA_PATH) : Optional.empty();
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
