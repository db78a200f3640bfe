package org.connectorconsole.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.util.List;
import java.util.UUID;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.Plan;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupDirectory;
import org.connectorconsole.group.GroupSource;
import org.connectorconsole.support.SsoConsole;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import testpeers.TestAuthorizationServer;

/**
 * Groups from single sign-on claims, through the real OpenID Connect sign-in with a provider in this JVM: the
 * member's groups kept by single sign-on follow the ID token's {@code groups} claim at each sign-in (missing
 * groups created, left groups left), a name taken by an owner's group is not taken over, and nothing happens
 * where no claim is configured.
 */
class SsoGroupClaimsTest extends SsoConsole {

    @Autowired
    SsoGroupClaims claims;
    @Autowired
    GroupDirectory groups;
    @Autowired
    DSLContext db;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void each_sign_in_sets_the_members_sso_groups_from_the_claim() {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        orgs.signIn(org.owner());
        assertThat(claims.claimName()).isEmpty();
        claims.setClaimName("groups");
        assertThat(claims.claimName()).contains("groups");
        Group sales = groups.create(org.id(), Actor.person(org.owner().id(), org.owner().email()), "Sales", GroupSource.CONSOLE, null);
        TestOrganizations.signOut();
        db.update(ORGANIZATION).set(ORGANIZATION.SSO_REQUIRED, true).where(ORGANIZATION.ID.eq(org.id())).execute();

        String subject = "sub-" + UUID.randomUUID();
        IDP.signInAs(new TestAuthorizationServer.Person(subject, mia.email(), "Mia", true));
        IDP.setGroups(subject, List.of("Engineering", "Design", "Sales"));
        assertThat(signInThroughProvider().signedIn()).isTrue();
        assertThat(ssoGroupsOf(org, mia)).containsExactlyInAnyOrder("Engineering", "Design");
        assertThat(groups.members(org.id(), sales.id())).as("an owner's group is not the claim's").isEmpty();
        assertThat(groups.list(org.id()).stream().filter(g -> g.name().equals("Engineering")).findFirst()
                .orElseThrow().source()).isEqualTo(GroupSource.SSO);

        IDP.setGroups(subject, List.of("Design"));
        assertThat(signInThroughProvider().signedIn()).isTrue();
        assertThat(ssoGroupsOf(org, mia)).containsExactly("Design");

        // off again: a sign-in changes nothing
        db.update(ORGANIZATION).set(ORGANIZATION.SSO_GROUPS_CLAIM, (String) null)
                .where(ORGANIZATION.ID.eq(org.id())).execute();
        IDP.setGroups(subject, List.of("Engineering"));
        assertThat(signInThroughProvider().signedIn()).isTrue();
        assertThat(ssoGroupsOf(org, mia)).containsExactly("Design");
        IDP.setGroups(subject, List.of());
    }

    private List<String> ssoGroupsOf(Org org, Person person) {
        return groups.groupsOf(org.id(), person.id()).stream().filter(g -> g.source() == GroupSource.SSO)
                .map(Group::name).toList();
    }
}
