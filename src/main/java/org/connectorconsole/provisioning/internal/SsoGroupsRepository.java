package org.connectorconsole.provisioning.internal;

import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.jooq.DSLContext;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Which claim names an organization's groups at single sign-on. */
@Repository
public class SsoGroupsRepository {

    /** An organization of the person that reads groups from a claim. */
    public record ClaimingOrganization(OrganizationId orgId, String claim) {
    }

    private final DSLContext db;

    SsoGroupsRepository(DSLContext db) {
        this.db = db;
    }

    public Optional<String> claim(OrganizationId orgId) {
        return db.select(ORGANIZATION.SSO_GROUPS_CLAIM).from(ORGANIZATION).where(ORGANIZATION.ID.eq(orgId))
                .fetchOptional(r -> r.value1());
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void setClaim(OrganizationId orgId, String claim) {
        db.update(ORGANIZATION).set(ORGANIZATION.SSO_GROUPS_CLAIM, claim).where(ORGANIZATION.ID.eq(orgId)).execute();
    }

    /** The person's active memberships whose organization reads groups from a claim. */
    public List<ClaimingOrganization> claimingOrganizations(UserId userId) {
        return db.select(ORGANIZATION.ID, ORGANIZATION.SSO_GROUPS_CLAIM)
                .from(MEMBERSHIP).join(ORGANIZATION).on(ORGANIZATION.ID.eq(MEMBERSHIP.ORG_ID))
                .where(MEMBERSHIP.USER_ID.eq(userId).and(MEMBERSHIP.SUSPENDED_AT.isNull())
                        .and(ORGANIZATION.SSO_GROUPS_CLAIM.isNotNull()))
                .fetch(r -> new ClaimingOrganization(r.value1(), r.value2()));
    }
}
