package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

@IntegrationTest
class OrganizationServiceTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    OrganizationService organizations;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void owner_sees_every_member_of_their_organization_owners_first() {
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.signIn(org.owner());
        assertThat(organizations.memberPage(null, null, 200).items()).extracting(MemberSummary::email)
                .containsExactly(org.owner().email(), org.members().get(0).email(), org.members().get(1).email());
    }

    @Test
    void member_cannot_list_members() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> organizations.memberPage(null, null, 200))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("Only an owner");
    }

    @Test
    void member_sees_their_own_organization() {
        Org org = orgs.create(Plan.ENTERPRISE, 1);
        orgs.signIn(org.members().getFirst());
        Organization current = organizations.current();
        assertThat(current.id()).isEqualTo(org.id());
        assertThat(current.plan()).isEqualTo(Plan.ENTERPRISE);
    }

    @Test
    void owner_of_another_organization_gets_nothing() {
        Org acme = orgs.create(Plan.TEAM, 1);
        Org other = orgs.create(Plan.TEAM, 1);
        orgs.signIn(other.owner());
        assertThat(organizations.memberPage(null, null, 200).items()).extracting(MemberSummary::email)
                .doesNotContain(acme.owner().email(), acme.members().getFirst().email());
        assertThatThrownBy(() -> organizations.member(acme.members().getFirst().id()))
                .isInstanceOf(NotFoundException.class);
        assertThat(organizations.current().id()).isEqualTo(other.id());
    }

    @Test
    void nobody_signed_in_gets_nothing() {
        assertThatThrownBy(() -> organizations.current()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> organizations.memberPage(null, null, 200)).isInstanceOf(AccessDeniedException.class);
    }
}
