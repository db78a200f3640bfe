package org.connectorconsole.oauth;

import java.util.List;

/** Discovery failed; {@code attempts} lists each URL tried and what it answered, for the diagnosis. */
public class DiscoveryException extends Exception {

    private final List<String> attempts;

    public DiscoveryException(String message, List<String> attempts) {
        super(message);
        this.attempts = List.copyOf(attempts);
    }

    public List<String> attempts() {
        return attempts;
    }
}
