package org.connectorconsole.security;

import static org.connectorconsole.db.Tables.SSO_ASSERTION;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.connectorconsole.base.UserId;
import org.connectorconsole.db.tables.records.SsoAssertionRecord;
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
        // every value set (a setter marks its field changed): inserted, or all replaced
        SsoAssertionRecord row = new SsoAssertionRecord();
        row.setUserId(userId);
        row.setIssuer(issuer);
        row.setIdToken(sealedIdToken);
        row.setExpiresAt(expiresAt);
        row.setReceivedAt(now);
        db.insertInto(SSO_ASSERTION).set(row).onConflict(SSO_ASSERTION.USER_ID).doUpdate().set(row).execute();
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
