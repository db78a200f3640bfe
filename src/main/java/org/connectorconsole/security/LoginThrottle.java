package org.connectorconsole.security;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.connectorconsole.base.Times;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Locks an e-mail address for a while after repeated failed sign-ins. Kept in the database so every console
 * instance counts the same failures; counted for unknown addresses too, so the answer reveals nothing.
 */
@Component
class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration LOCK = Duration.ofMinutes(15);

    private final IdentityRepository repository;
    private final Clock clock;

    LoginThrottle(IdentityRepository repository, Clock clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /** How long the address stays locked, or empty when it may try. */
    @Transactional(readOnly = true)
    public Optional<Duration> remainingLock(String email) {
        OffsetDateTime now = now();
        return repository.lockedUntil(email)
                .filter(until -> until.isAfter(now))
                .map(until -> Duration.between(now, until));
    }

    /** Counts a failure; returns true when this failure locked the address. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public boolean recordFailure(String email) {
        OffsetDateTime now = now();
        return repository.recordFailure(email, now, now.minus(WINDOW), MAX_FAILURES, now.plus(LOCK)).isPresent();
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordSuccess(String email) {
        repository.clearFailures(email);
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }

    static String describe(Duration remaining) {
        long minutes = Math.max(1, (remaining.getSeconds() + 59) / 60);
        return "Too many failed sign-in attempts for this e-mail address. Try again in " + minutes
                + (minutes == 1 ? " minute." : " minutes.");
    }
}
