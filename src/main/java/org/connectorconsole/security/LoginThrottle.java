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
 * <p>
 * An attempt is reserved before its password is checked and settled after it ({@link #recordFailure},
 * {@link #recordSuccess} or {@link #release}, exactly once): checking the lock first and counting the failure
 * afterwards let forty parallel attempts all pass a lock that none of them had reached yet (issue 15).
 */
@Component
class LoginThrottle {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);
    static final Duration LOCK = Duration.ofMinutes(15);
    /** A password check takes well under a second; a reservation this old was left by a stopped instance. */
    static final Duration STALE_RESERVATION = Duration.ofMinutes(1);

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

    /**
     * Reserves one attempt for the address, committed at once so every instance sees it; empty when granted,
     * otherwise the refusal to show (the address is locked, or its remaining attempts are all in flight).
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Optional<String> reserve(String email) {
        OffsetDateTime now = now();
        if (repository.reserveAttempt(email, now, now.minus(WINDOW), now.minus(STALE_RESERVATION), MAX_FAILURES)) {
            return Optional.empty();
        }
        return Optional.of(remainingLock(email).map(LoginThrottle::describe)
                .orElse("Too many sign-in attempts for this e-mail address at once. Try again in 1 minute."));
    }

    /** Settles a reserved attempt as a failure; returns true when this failure locked the address. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public boolean recordFailure(String email) {
        OffsetDateTime now = now();
        return repository.recordFailure(email, now, now.minus(WINDOW), MAX_FAILURES, now.plus(LOCK)) >= MAX_FAILURES;
    }

    /** Settles a reserved attempt that proved the password: earlier failures are forgiven. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void recordSuccess(String email) {
        repository.recordSuccess(email);
    }

    /** Settles a reserved attempt without counting it either way (it ended before a verdict, or must not forgive). */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void release(String email) {
        repository.releaseAttempt(email);
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
