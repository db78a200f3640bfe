package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.connectorconsole.base.Plan;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

@IntegrationTest
class SignInTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    AuthenticationConfiguration authenticationConfiguration;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private Authentication attempt(String email, String password) throws Exception {
        AuthenticationManager manager = authenticationConfiguration.getAuthenticationManager();
        return manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(email, password));
    }

    @Test
    void owner_of_team_signs_in_with_owner_and_org_owner_roles() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Authentication auth = attempt(org.owner().email(), TestOrganizations.PASSWORD);
        assertThat(auth.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactlyInAnyOrder("ROLE_OWNER", "ROLE_ORG_OWNER");
        ConsoleUser user = (ConsoleUser) auth.getPrincipal();
        assertThat(user.activeOrgId()).isEqualTo(org.id());
        assertThat(user.getPassword()).as("no password hash kept in the session").isNull();
    }

    @Test
    void member_signs_in_with_member_role_only() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Authentication auth = attempt(org.members().getFirst().email(), TestOrganizations.PASSWORD);
        assertThat(auth.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_MEMBER");
    }

    @Test
    void owner_of_individual_plan_is_not_an_organization_owner() throws Exception {
        Org org = orgs.create(Plan.PRO, 0);
        Authentication auth = attempt(org.owner().email(), TestOrganizations.PASSWORD);
        assertThat(auth.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                .containsExactly("ROLE_OWNER");
    }

    @Test
    void email_is_case_insensitive() throws Exception {
        Org org = orgs.create(Plan.PRO, 0);
        Authentication auth = attempt("  " + org.owner().email().toUpperCase() + " ", TestOrganizations.PASSWORD);
        assertThat(auth.isAuthenticated()).isTrue();
    }

    @Test
    void wrong_password_is_refused_with_a_message_that_names_no_account() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        assertThatThrownBy(() -> attempt(org.owner().email(), "not-the-password"))
                .isInstanceOf(BadCredentialsException.class)
                .hasMessage("Wrong e-mail address or password.");
        assertThatThrownBy(() -> attempt("nobody-" + System.nanoTime() + "@test.example", "whatever-password"))
                .isInstanceOf(BadCredentialsException.class)
                .hasMessage("Wrong e-mail address or password.");
    }

    @Test
    void five_failures_lock_the_address_even_for_the_right_password() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = org.owner().email();
        for (int i = 1; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> attempt(email, "wrong-password")).isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> attempt(email, "wrong-password"))
                .isInstanceOf(LockedException.class)
                .hasMessageContaining("Try again in 15 minutes");
        assertThatThrownBy(() -> attempt(email, TestOrganizations.PASSWORD))
                .isInstanceOf(LockedException.class);
    }

    @Test
    void unknown_addresses_are_throttled_like_known_ones() throws Exception {
        String email = "ghost-" + System.nanoTime() + "@test.example";
        for (int i = 1; i < LoginThrottle.MAX_FAILURES; i++) {
            assertThatThrownBy(() -> attempt(email, "guess")).isInstanceOf(BadCredentialsException.class);
        }
        assertThatThrownBy(() -> attempt(email, "guess")).isInstanceOf(LockedException.class);
    }

    @Test
    void a_success_resets_the_failure_count() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = org.owner().email();
        for (int round = 0; round < 2; round++) {
            for (int i = 1; i < LoginThrottle.MAX_FAILURES; i++) {
                assertThatThrownBy(() -> attempt(email, "wrong")).isInstanceOf(BadCredentialsException.class);
            }
            assertThat(attempt(email, TestOrganizations.PASSWORD).isAuthenticated()).isTrue();
        }
    }
}
