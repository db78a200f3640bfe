package org.connectorconsole.auditlog.internal;

import static org.connectorconsole.db.Tables.API_TOKEN;
import static org.connectorconsole.db.Tables.MEMBERSHIP;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.connectorconsole.db.tables.records.ApiTokenRecord;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** API tokens: only the SHA-256 of each secret is stored. */
@Repository
public class ApiTokenRepository {

    public record StoredToken(UUID id, OrganizationId orgId, String name, String scope, Instant createdAt,
            Instant lastUsedAt, Instant revokedAt) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    private final DSLContext db;

    ApiTokenRepository(DSLContext db) {
        this.db = db;
    }

    public void insert(UUID id, OrganizationId orgId, String name, String hash, String scope, UserId by,
            OffsetDateTime now) {
        db.insertInto(API_TOKEN)
                .set(API_TOKEN.ID, id).set(API_TOKEN.ORG_ID, orgId).set(API_TOKEN.NAME, name)
                .set(API_TOKEN.TOKEN_HASH, hash).set(API_TOKEN.SCOPE, scope).set(API_TOKEN.CREATED_BY, by)
                .set(API_TOKEN.CREATED_AT, now)
                .execute();
    }

    public List<StoredToken> list(OrganizationId orgId) {
        return db.selectFrom(API_TOKEN).where(API_TOKEN.ORG_ID.eq(orgId))
                .orderBy(API_TOKEN.CREATED_AT.desc()).fetch(ApiTokenRepository::toToken);
    }

    public Optional<StoredToken> find(OrganizationId orgId, UUID id) {
        return db.selectFrom(API_TOKEN).where(API_TOKEN.ORG_ID.eq(orgId).and(API_TOKEN.ID.eq(id)))
                .fetchOptional(ApiTokenRepository::toToken);
    }

    /**
     * The token with this hash, if it is live: not revoked, and the owner who issued it is still an owner of its
     * organization (a token does not outlive its issuer's ownership).
     */
    public Optional<StoredToken> findLiveByHash(String hash) {
        return db.selectFrom(API_TOKEN)
                .where(API_TOKEN.TOKEN_HASH.eq(hash).and(API_TOKEN.REVOKED_AT.isNull())
                        .and(DSL.exists(DSL.selectOne().from(MEMBERSHIP)
                                .where(MEMBERSHIP.ORG_ID.eq(API_TOKEN.ORG_ID)
                                        .and(MEMBERSHIP.USER_ID.eq(API_TOKEN.CREATED_BY))
                                        .and(MEMBERSHIP.ROLE.eq("OWNER"))))))
                .fetchOptional(ApiTokenRepository::toToken);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public boolean revoke(OrganizationId orgId, UUID id, OffsetDateTime now) {
        return db.update(API_TOKEN).set(API_TOKEN.REVOKED_AT, now)
                .where(API_TOKEN.ORG_ID.eq(orgId).and(API_TOKEN.ID.eq(id)).and(API_TOKEN.REVOKED_AT.isNull()))
                .execute() == 1;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void touch(UUID id, OffsetDateTime now) {
        db.update(API_TOKEN).set(API_TOKEN.LAST_USED_AT, now).where(API_TOKEN.ID.eq(id)).execute();
    }

    private static StoredToken toToken(ApiTokenRecord r) {
        return new StoredToken(r.getId(), r.getOrgId(), r.getName(), r.getScope(),
                r.getCreatedAt().toInstant(), r.getLastUsedAt() == null ? null : r.getLastUsedAt().toInstant(),
                r.getRevokedAt() == null ? null : r.getRevokedAt().toInstant());
    }
}
