package org.connectorconsole.organization.ui;

import static com.github.mvysny.kaributesting.v10.LocatorJ._click;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.organization.SetupService;
import org.connectorconsole.organization.SetupServiceAccess;
import org.connectorconsole.security.ui.LoginView;
import org.connectorconsole.support.ViewTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/** The first visit to a fresh installation, on its own empty database. */
@TestPropertySource(properties = "test.isolated-database=setup-view")
class SetupViewTest extends ViewTest {

    @Autowired
    SetupService setup;

    private void fill(String code) {
        _get(TextField.class, spec -> spec.withId("setup-code")).setValue(code);
        _get(TextField.class, spec -> spec.withId("organization-name")).setValue("Acme Robotics");
        _get(TextField.class, spec -> spec.withId("owner-name")).setValue("Olivia Owner");
        _get(EmailField.class, spec -> spec.withId("owner-email")).setValue("olivia@acme.example");
        _get(PasswordField.class, spec -> spec.withId("owner-password")).setValue("correct horse battery");
        _get(PasswordField.class, spec -> spec.withId("owner-password-confirmation")).setValue("correct horse battery");
    }

    @Test
    void first_visit_leads_to_setup_which_explains_a_wrong_code_then_disappears_once_used() {
        UI.getCurrent().navigate("login");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(SetupView.class);

        fill("NOPE-NOPE-NOPE");
        _click(_get(Button.class, spec -> spec.withId("complete-setup")));
        TextField code = _get(TextField.class, spec -> spec.withId("setup-code"));
        assertThat(code.isInvalid()).isTrue();
        assertThat(code.getErrorMessage()).contains("wrong or has expired");
        assertThat(setup.isSetupPending()).isTrue();

        fill(SetupServiceAccess.issueCode(setup));
        _click(_get(Button.class, spec -> spec.withId("complete-setup")));
        assertThat(setup.isSetupPending()).isFalse();
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(LoginView.class);

        UI.getCurrent().navigate("setup");
        assertThat(UI.getCurrent().getCurrentView()).as("setup is gone for good").isInstanceOf(LoginView.class);
    }
}
