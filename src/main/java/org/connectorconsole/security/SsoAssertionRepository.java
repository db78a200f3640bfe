package org.connectorconsole.security;

import static org.connectorconsole.db.Tables.SSO_ASSERTION;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.connectorconsole.base.UserId;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The sealed ID token of each person's last single sign-on (see {@link SsoAssertions}). */
@Repository
class SsoAssertionRepository {

    record Stored(String issuer, byte[] sealedIdToken, OffsetDateTime expiresAt) {
    }

    private final DSLContext db;

    SsoAssertionRepository(DSLContext db) {
        this.db = db;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void save(UserId userId, String issuer, byte[] sealedIdToken, OffsetDateTime expiresAt, OffsetDateTime now) {
        db.insertInto(SSO_ASSERTION)
                .set(SSO_ASSERTION.USER_ID, userId)
                .set(SSO_ASSERTION.ISSUER, issuer)
                .set(SSO_ASSERTION.ID_TOKEN, sealedIdToken)
                .set(SSO_ASSERTION.EXPIRES_AT, expiresAt)
                .set(SSO_ASSERTION.RECEIVED_AT, now)
                .onConflict(SSO_ASSERTION.USER_ID).doUpdate()
                .set(SSO_ASSERTION.ISSUER, issuer)
                .set(SSO_ASSERTION.ID_TOKEN, sealedIdToken)
                .set(SSO_ASSERTION.EXPIRES_AT, expiresAt)
                .set(SSO_ASSERTION.RECEIVED_AT, now)
                .execute();
    }

    Optional<Stored> find(UserId userId, OffsetDateTime now) {
        return db.select(SSO_ASSERTION.ISSUER, SSO_ASSERTION.ID_TOKEN, SSO_ASSERTION.EXPIRES_AT).from(SSO_ASSERTION)
                .where(SSO_ASSERTION.USER_ID.eq(userId).and(SSO_ASSERTION.EXPIRES_AT.gt(now)))
                .fetchOptional(r -> new Stored(r.value1(), r.value2(), r.value3()));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void delete(UserId userId) {
        db.deleteFrom(SSO_ASSERTION).where(SSO_ASSERTION.USER_ID.eq(userId)).execute();
    }
}
