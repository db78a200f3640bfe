package org.connectorconsole.connection;

import java.util.Optional;
import org.connectorconsole.base.PublicAddress;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The console's own address, for the OAuth redirect URI and the client metadata document: {@code console.public-url}
 * when set (production), else the origin of the request being served (development and tests).
 */
@Component
public class ConsoleAddress {

    public static final String CALLBACK_PATH = "/connectors/oauth/callback";
    public static final String CLIENT_METADATA_PATH = "/oauth/client-metadata.json";

    private final PublicAddress address;

    ConsoleAddress(@Value("${console.public-url:}") String publicUrl, Environment environment) {
        this.address = new PublicAddress(publicUrl, environment);
    }

    public String base() {
        return address.base();
    }

    public String redirectUri() {
        return base() + CALLBACK_PATH;
    }

    /** The client metadata document URL, only when the console is served over HTTPS (as the spec requires). */
    public Optional<String> clientMetadataDocument() {
        return address.configured().startsWith("https://")
                ? Optional.of(address.configured() + CLIENT_METADATA_PATH) : Optional.empty();
    }
}
