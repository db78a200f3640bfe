package org.connectorconsole.oauth;

import java.util.List;

/**
 * Discovery failed; {@code attempts} lists each URL tried and what it answered, for the diagnosis. {@link #notFound()}
 * when every location simply had no document (HTTP 404 and the like), as opposed to a refused, broken or mismatched
 * one: only then may a client fall back to what MCP 2025-03-26 servers offer.
 */
public class DiscoveryException extends Exception {

    private final List<String> attempts;
    private final boolean notFound;

    public DiscoveryException(String message, List<String> attempts) {
        this(message, attempts, false);
    }

    DiscoveryException(String message, List<String> attempts, boolean notFound) {
        super(message);
        this.attempts = List.copyOf(attempts);
        this.notFound = notFound;
    }

    public List<String> attempts() {
        return attempts;
    }

    public boolean notFound() {
        return notFound;
    }
}
