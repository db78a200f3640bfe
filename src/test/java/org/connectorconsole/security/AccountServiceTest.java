package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;

@IntegrationTest
class AccountServiceTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    AccountService accounts;
    @Autowired
    DSLContext db;
    @Autowired
    AuthenticationConfiguration authentication;

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private String storedHash(TestOrganizations.Person p) {
        return db.fetchValue(db.select(APP_USER.PASSWORD_HASH).from(APP_USER).where(APP_USER.ID.eq(p.id())));
    }

    @Test
    void person_renames_themselves_and_the_change_is_audited() {
        Org org = orgs.create(Plan.TEAM, 1);
        var member = org.members().getFirst();
        orgs.signIn(member);
        var me = accounts.me();
        accounts.rename("  Ada Lovelace ", me.version());
        assertThat(accounts.me().displayName()).isEqualTo("Ada Lovelace");
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("account.renamed"))
                .and(AUDIT_EVENT.ACTOR_ID.eq(member.id())))).isEqualTo(1);
    }

    @Test
    void rename_with_a_stale_version_is_refused_and_keeps_the_newer_name() {
        Org org = orgs.create(Plan.PRO, 0);
        orgs.signIn(org.owner());
        int version = accounts.me().version();
        accounts.rename("First tab", version);
        assertThatThrownBy(() -> accounts.rename("Second tab", version))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("changed elsewhere");
        assertThat(accounts.me().displayName()).isEqualTo("First tab");
    }

    @Test
    void blank_or_overlong_names_are_refused_and_nothing_changes() {
        Org org = orgs.create(Plan.PRO, 0);
        orgs.signIn(org.owner());
        var before = accounts.me();
        assertThatThrownBy(() -> accounts.rename("   ", before.version()))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors()).containsKey("displayName"));
        assertThatThrownBy(() -> accounts.rename("x".repeat(121), before.version()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> accounts.rename("bell\u0007", before.version()))
                .isInstanceOf(ValidationException.class);
        assertThat(accounts.me()).isEqualTo(before);
    }

    @Test
    void password_change_needs_the_current_password_and_leaves_it_unchanged_otherwise() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        String hashBefore = storedHash(org.owner());
        int version = accounts.me().version();
        assertThatThrownBy(() -> accounts.changePassword("wrong-current", "a-brand-new-passphrase",
                "a-brand-new-passphrase", version))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors()).containsKey("currentPassword"));
        assertThatThrownBy(() -> accounts.changePassword(TestOrganizations.PASSWORD, "short", "short", version))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors()).containsKey("newPassword"));
        assertThatThrownBy(() -> accounts.changePassword(TestOrganizations.PASSWORD, "a-brand-new-passphrase",
                "a-different-passphrase", version))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors()).containsKey("confirmation"));
        assertThat(storedHash(org.owner())).isEqualTo(hashBefore);
    }

    @Test
    void changed_password_signs_in_and_the_old_one_no_longer_does() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        accounts.changePassword(TestOrganizations.PASSWORD, "a-brand-new-passphrase", "a-brand-new-passphrase",
                accounts.me().version());
        var manager = authentication.getAuthenticationManager();
        assertThat(manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(org.owner().email(),
                "a-brand-new-passphrase")).isAuthenticated()).isTrue();
        assertThatThrownBy(() -> manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                org.owner().email(), TestOrganizations.PASSWORD))).isNotNull();
        assertThat(storedHash(org.owner())).startsWith("{bcrypt}").doesNotContain("a-brand-new-passphrase");
    }

    @Test
    void nobody_signed_in_cannot_use_the_account_service() {
        assertThatThrownBy(() -> accounts.me()).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> accounts.rename("x", 0)).isInstanceOf(AccessDeniedException.class);
    }
}
