package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

/** The database itself keeps organizations honest, whatever a future bug in a service does. */
@IntegrationTest
class MembershipRulesTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    DSLContext db;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    OrganizationRepository repository;

    @Test
    void team_organization_cannot_lose_its_last_owner() {
        Org org = orgs.create(Plan.TEAM, 1);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.update(MEMBERSHIP)
                .set(MEMBERSHIP.ROLE, Role.MEMBER.name())
                .where(MEMBERSHIP.USER_ID.eq(org.owner().id()))
                .execute()))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("must keep at least one owner");
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.deleteFrom(MEMBERSHIP)
                .where(MEMBERSHIP.USER_ID.eq(org.owner().id()))
                .execute()))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(db.fetchCount(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(org.id())
                .and(MEMBERSHIP.ROLE.eq("OWNER")))).isEqualTo(1);
    }

    @Test
    void team_organization_may_hand_ownership_over_in_one_transaction() {
        Org org = orgs.create(Plan.TEAM, 1);
        tx.executeWithoutResult(s -> {
            db.update(MEMBERSHIP).set(MEMBERSHIP.ROLE, "OWNER")
                    .where(MEMBERSHIP.USER_ID.eq(org.members().getFirst().id())).execute();
            db.update(MEMBERSHIP).set(MEMBERSHIP.ROLE, "MEMBER")
                    .where(MEMBERSHIP.USER_ID.eq(org.owner().id())).execute();
        });
        assertThat(db.fetchValue(db.select(MEMBERSHIP.ROLE).from(MEMBERSHIP)
                .where(MEMBERSHIP.USER_ID.eq(org.members().getFirst().id())))).isEqualTo("OWNER");
    }

    @Test
    void individual_organization_cannot_take_a_second_person() {
        Org pro = orgs.create(Plan.PRO, 0);
        Org team = orgs.create(Plan.TEAM, 1);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> repository.insertMembership(pro.id(),
                team.members().getFirst().id(), Role.MEMBER, OffsetDateTime.now(ZoneOffset.UTC))))
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("exactly one person");
    }

    @Test
    void team_with_members_cannot_become_an_individual_plan() {
        Org team = orgs.create(Plan.TEAM, 1);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.update(ORGANIZATION)
                .set(ORGANIZATION.PLAN, Plan.MAX.name())
                .where(ORGANIZATION.ID.eq(team.id())).execute()))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(db.fetchValue(db.select(ORGANIZATION.PLAN).from(ORGANIZATION)
                .where(ORGANIZATION.ID.eq(team.id())))).isEqualTo("TEAM");
    }

    @Test
    void individual_organization_always_has_its_owner() {
        Org free = orgs.create(Plan.FREE, 0);
        UserId owner = free.owner().id();
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.update(MEMBERSHIP)
                .set(MEMBERSHIP.ROLE, "MEMBER").where(MEMBERSHIP.USER_ID.eq(owner)).execute()))
                .isInstanceOf(DataIntegrityViolationException.class);
    }
}
