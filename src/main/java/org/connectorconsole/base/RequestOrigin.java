package org.connectorconsole.base;

import java.util.Optional;

/**
 * Where the current request came from (client address and user agent), for audit events. Set by a servlet
 * filter for the duration of each request; empty on background threads.
 */
public record RequestOrigin(String clientAddress, String userAgent) {

    private static final ThreadLocal<RequestOrigin> CURRENT = new ThreadLocal<>();

    public static Optional<RequestOrigin> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    static void set(RequestOrigin origin) {
        CURRENT.set(origin);
    }

    static void clear() {
        CURRENT.remove();
    }
}
