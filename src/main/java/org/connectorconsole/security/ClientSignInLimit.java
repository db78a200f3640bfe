package org.connectorconsole.security;

import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * At most {@link #MAX_IN_FLIGHT} password checks at once per client address on this instance; further attempts
 * are refused at once. A bcrypt check is deliberately expensive (cost 12 holds a core for about a quarter of a
 * second), so without this one client's burst of sign-ins for many addresses could hold every core. Kept in
 * memory, not in the database: what it protects is this instance's processors.
 */
@Component
class ClientSignInLimit {

    static final int MAX_IN_FLIGHT = 2;
    static final String REFUSAL = "Too many sign-in attempts from your network at once. Wait for them to finish "
            + "and try again.";

    private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

    /** True when the client may start a check now; the caller must then {@link #release} it exactly once. */
    boolean tryAcquire(String clientAddress) {
        boolean[] granted = {false};
        inFlight.compute(clientAddress, (client, running) -> {
            int now = running == null ? 0 : running;
            if (now >= MAX_IN_FLIGHT) {
                return running;
            }
            granted[0] = true;
            return now + 1;
        });
        return granted[0];
    }

    void release(String clientAddress) {
        // removing the entry at zero keeps the map as small as the number of clients signing in right now
        inFlight.computeIfPresent(clientAddress, (client, running) -> running <= 1 ? null : running - 1);
    }
}
