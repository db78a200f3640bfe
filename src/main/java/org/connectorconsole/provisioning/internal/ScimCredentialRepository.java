package org.connectorconsole.provisioning.internal;

import static org.connectorconsole.db.Tables.SCIM_CREDENTIAL;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The SCIM bearer credentials (only their SHA-256 is stored). */
@Repository
public class ScimCredentialRepository {

    /** A credential as stored, without its hash. */
    public record Row(UUID id, OrganizationId orgId, String name, OffsetDateTime createdAt,
            OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {
    }

    private final DSLContext db;

    ScimCredentialRepository(DSLContext db) {
        this.db = db;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void insert(UUID id, OrganizationId orgId, String name, String hash, UserId createdBy,
            OffsetDateTime now) {
        db.insertInto(SCIM_CREDENTIAL)
                .set(SCIM_CREDENTIAL.ID, id)
                .set(SCIM_CREDENTIAL.ORG_ID, orgId)
                .set(SCIM_CREDENTIAL.NAME, name)
                .set(SCIM_CREDENTIAL.TOKEN_HASH, hash)
                .set(SCIM_CREDENTIAL.CREATED_AT, now)
                .set(SCIM_CREDENTIAL.CREATED_BY, createdBy)
                .execute();
    }

    public List<Row> list(OrganizationId orgId) {
        return db.selectFrom(SCIM_CREDENTIAL).where(SCIM_CREDENTIAL.ORG_ID.eq(orgId))
                .orderBy(SCIM_CREDENTIAL.CREATED_AT.desc())
                .fetch(r -> new Row(r.getId(), r.getOrgId(), r.getName(), r.getCreatedAt(),
                        r.getLastUsedAt(), r.getRevokedAt()));
    }

    /** Revokes a live credential of the organization; its name, or empty when there is none. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<String> revoke(OrganizationId orgId, UUID id, OffsetDateTime now) {
        return db.update(SCIM_CREDENTIAL).set(SCIM_CREDENTIAL.REVOKED_AT, now)
                .where(SCIM_CREDENTIAL.ORG_ID.eq(orgId).and(SCIM_CREDENTIAL.ID.eq(id))
                        .and(SCIM_CREDENTIAL.REVOKED_AT.isNull()))
                .returning(SCIM_CREDENTIAL.NAME).fetchOptional().map(r -> r.getName());
    }

    /** The live credential with this hash. */
    public Optional<Row> live(String hash) {
        return db.selectFrom(SCIM_CREDENTIAL)
                .where(SCIM_CREDENTIAL.TOKEN_HASH.eq(hash).and(SCIM_CREDENTIAL.REVOKED_AT.isNull()))
                .fetchOptional(r -> new Row(r.getId(), r.getOrgId(), r.getName(),
                        r.getCreatedAt(), r.getLastUsedAt(), r.getRevokedAt()));
    }

    public void touch(UUID id, OffsetDateTime now) {
        db.update(SCIM_CREDENTIAL).set(SCIM_CREDENTIAL.LAST_USED_AT, now).where(SCIM_CREDENTIAL.ID.eq(id)).execute();
    }
}
