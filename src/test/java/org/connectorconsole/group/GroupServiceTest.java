package org.connectorconsole.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.util.List;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.transaction.support.TransactionTemplate;

@IntegrationTest
class GroupServiceTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    GroupService groups;
    @Autowired
    GroupDirectory directory;
    @Autowired
    OrganizationService organizations;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    DSLContext db;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void owner_creates_renames_fills_and_deletes_a_group_and_each_change_is_audited_as_them() {
        var org = orgs.create(Plan.TEAM, 2);
        var ada = org.members().get(0);
        var bob = org.members().get(1);
        orgs.signIn(org.owner());
        Group engineering = groups.create("  Engineering ");
        assertThat(engineering.name()).isEqualTo("Engineering");
        assertThat(engineering.source()).isEqualTo(GroupSource.CONSOLE);
        assertThatThrownBy(() -> groups.create("engineering")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> groups.create(" ")).isInstanceOf(ValidationException.class);

        assertThat(groups.addMember(engineering.id(), ada.id())).isTrue();
        assertThat(groups.addMember(engineering.id(), ada.id())).as("already in it").isFalse();
        assertThat(groups.addMember(engineering.id(), bob.id())).isTrue();
        assertThat(groups.members(engineering.id())).extracting(GroupMember::email)
                .containsExactlyInAnyOrder(ada.email(), bob.email());
        assertThat(groups.groupsOf(ada.id())).extracting(Group::name).containsExactly("Engineering");
        assertThat(groups.list()).singleElement().satisfies(g -> assertThat(g.memberCount()).isEqualTo(2));

        Group renamed = groups.rename(engineering.id(), "Platform", engineering.version());
        assertThat(renamed.name()).isEqualTo("Platform");
        assertThatThrownBy(() -> groups.rename(engineering.id(), "Again", engineering.version()))
                .as("renamed meanwhile").isInstanceOf(ConflictException.class);
        assertThat(groups.removeMember(engineering.id(), bob.id())).isTrue();
        assertThat(groups.removeMember(engineering.id(), bob.id())).isFalse();

        orgs.signIn(ada);
        assertThat(groups.myGroups()).extracting(Group::name).containsExactly("Platform");

        orgs.signIn(org.owner());
        groups.delete(engineering.id());
        assertThat(groups.list()).isEmpty();
        assertThatThrownBy(() -> groups.members(engineering.id())).isInstanceOf(NotFoundException.class);

        List<String> actions = db.select(AUDIT_EVENT.ACTION).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.ACTION.startsWith("group.")))
                .orderBy(AUDIT_EVENT.SEQ).fetch(r -> r.value1());
        assertThat(actions).containsExactly("group.created", "group.member_added", "group.member_added",
                "group.renamed", "group.member_removed", "group.deleted");
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.startsWith("group.")).and(AUDIT_EVENT.ACTOR_ID.eq(org.owner().id()))))
                .as("every change recorded as the owner who made it").isEqualTo(6);
    }

    @Test
    void only_members_of_the_organization_join_and_leaving_it_leaves_its_groups() {
        var org = orgs.create(Plan.TEAM, 1);
        var other = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Group group = groups.create("Support");
        assertThatThrownBy(() -> groups.addMember(group.id(), other.members().getFirst().id()))
                .isInstanceOf(NotFoundException.class);
        groups.addMember(group.id(), org.members().getFirst().id());
        organizations.removeMember(org.members().getFirst().id());
        assertThat(groups.members(group.id())).as("a removed member is in none of its groups").isEmpty();
    }

    @Test
    void members_and_other_organizations_reach_nothing() {
        var org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Group group = groups.create("Finance");
        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> groups.list()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> groups.create("Mine")).isInstanceOf(AccessDeniedException.class);
        var other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        assertThat(groups.list()).isEmpty();
        assertThatThrownBy(() -> groups.rename(group.id(), "Taken", 0)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> groups.delete(group.id())).isInstanceOf(NotFoundException.class);
        var pro = orgs.create(Plan.PRO, 0);
        orgs.signIn(pro.owner());
        assertThatThrownBy(() -> groups.list()).as("an individual has nobody to group")
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void provisioned_groups_are_shown_but_not_changed_by_hand() {
        var org = orgs.create(Plan.ENTERPRISE, 1);
        Group scim = tx.execute(s -> directory.create(org.id(), Actor.SYSTEM, "Okta Engineering", GroupSource.SCIM,
                "00g1"));
        assertThat(directory.findByExternalId(org.id(), GroupSource.SCIM, "00g1")).contains(scim);
        orgs.signIn(org.owner());
        assertThat(groups.list()).extracting(Group::source).containsExactly(GroupSource.SCIM);
        assertThatThrownBy(() -> groups.rename(scim.id(), "Mine now", scim.version()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("identity provider");
        assertThatThrownBy(() -> groups.addMember(scim.id(), org.members().getFirst().id()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> groups.delete(scim.id())).isInstanceOf(ValidationException.class);
        assertThat((boolean) tx.execute(s -> directory.addMember(org.id(), Actor.SYSTEM, scim.id(),
                org.members().getFirst().id()))).as("its source changes it").isTrue();
    }
}
