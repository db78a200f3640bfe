package org.connectorconsole.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A person's identity assertion for enterprise-managed authorization: the OpenID Connect ID token of their last
 * single sign-on, kept sealed in the database (bound to the person), never sent to a browser and never logged.
 * It is handed out only until it expires ({@code exp}); after that the person signs in again. Only the console's
 * own code reads it, for the person it already acts for (connection's enterprise-managed connections): no view
 * and no request parameter reaches it.
 */
@Component
public class SsoAssertions {

    private final SsoAssertionRepository repository;
    private final SecretSealer sealer;
    private final TransactionTemplate tx;
    private final Clock clock;

    SsoAssertions(SsoAssertionRepository repository, SecretSealer sealer, TransactionTemplate tx, Clock clock) {
        this.repository = repository;
        this.sealer = sealer;
        this.tx = tx;
        this.clock = clock;
    }

    /** An unexpired ID token of {@code issuer}. {@link #toString()} hides it. */
    public record Assertion(String issuer, String idToken, Instant expiresAt) {
        @Override
        public String toString() {
            return "Assertion[issuer=" + issuer + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** Keeps the ID token of a sign-in that just completed (replacing the previous one). */
    public void keep(UserId userId, String issuer, String idToken, Instant expiresAt) {
        if (idToken == null || expiresAt == null || !expiresAt.isAfter(clock.instant())) {
            return;
        }
        byte[] sealed = sealer.seal(idToken, context(userId));
        tx.executeWithoutResult(s -> repository.save(userId, issuer, sealed, expiresAt.atOffset(java.time.ZoneOffset.UTC),
                Times.utcNow(clock)));
    }

    /** The person's ID token while it has not expired. */
    public Optional<Assertion> current(UserId userId) {
        return repository.find(userId, Times.utcNow(clock)).map(stored -> new Assertion(stored.issuer(),
                sealer.open(stored.sealedIdToken(), context(userId)), stored.expiresAt().toInstant()));
    }

    private static String context(UserId userId) {
        return "sso_assertion.id_token|" + userId;
    }
}
