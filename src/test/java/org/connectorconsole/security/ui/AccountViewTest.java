package org.connectorconsole.security.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.base.Plan;
import org.connectorconsole.security.AccountService;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;

/** Your account page: the name and the password (moved from OrganizationViewsTest). */
class AccountViewTest extends ViewTest {

    @Autowired
    AuthenticationConfiguration authenticationConfiguration;

    @Autowired
    AccountService accounts;

    @Test
    void account_view_saves_a_new_name() {
        Org org = orgs.create(Plan.TEAM, 1);
        signIn(org.members().getFirst());
        navigate("account");
        _get(TextField.class, spec -> spec.withId("display-name")).setValue("Grace Hopper");
        _click(_get(Button.class, spec -> spec.withId("save-name")));
        NotificationsKt.expectNotifications("Your name is saved.");
        assertThat(accounts.me().displayName()).isEqualTo("Grace Hopper");
    }

    @Test
    void account_view_explains_a_blank_name_and_keeps_the_old_one() {
        Org org = orgs.create(Plan.TEAM, 1);
        var member = org.members().getFirst();
        signIn(member);
        navigate("account");
        TextField name = _get(TextField.class, spec -> spec.withId("display-name"));
        name.setValue("   ");
        _click(_get(Button.class, spec -> spec.withId("save-name")));
        assertThat(name.isInvalid()).isTrue();
        assertThat(name.getErrorMessage()).isEqualTo("Enter your name.");
        assertThat(accounts.me().displayName()).isEqualTo(member.name());
    }

    @Test
    void account_view_explains_a_wrong_current_password() {
        Org org = orgs.create(Plan.PRO, 0);
        signIn(org.owner());
        navigate("account");
        _get(PasswordField.class, spec -> spec.withId("current-password")).setValue("not my password");
        _get(PasswordField.class, spec -> spec.withId("new-password")).setValue("a-new-long-passphrase");
        _get(PasswordField.class, spec -> spec.withId("confirm-password")).setValue("a-new-long-passphrase");
        _click(_get(Button.class, spec -> spec.withId("change-password")));
        PasswordField current = _get(PasswordField.class, spec -> spec.withId("current-password"));
        assertThat(current.isInvalid()).isTrue();
        assertThat(current.getErrorMessage()).isEqualTo("That is not your current password.");
    }

    @Test
    void account_view_changes_the_password() throws Exception {
        Org org = orgs.create(Plan.PRO, 0);
        signIn(org.owner());
        navigate("account");
        _get(PasswordField.class, spec -> spec.withId("current-password")).setValue(TestOrganizations.PASSWORD);
        _get(PasswordField.class, spec -> spec.withId("new-password")).setValue("a-new-long-passphrase");
        _get(PasswordField.class, spec -> spec.withId("confirm-password")).setValue("a-new-long-passphrase");
        _click(_get(Button.class, spec -> spec.withId("change-password")));
        NotificationsKt.expectNotifications("Your password is changed. Use the new one next time you sign in.");
        AuthenticationManager authentication = authenticationConfiguration.getAuthenticationManager();
        assertThat(authentication.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(
                org.owner().email(), "a-new-long-passphrase")).isAuthenticated()).isTrue();
        assertThatThrownBy(() -> authentication.authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(org.owner().email(), TestOrganizations.PASSWORD)))
                .isInstanceOf(BadCredentialsException.class);
    }
}
