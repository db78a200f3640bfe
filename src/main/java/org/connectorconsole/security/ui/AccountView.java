package org.connectorconsole.security.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.Map;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.security.AccountService;
import org.connectorconsole.security.Member;
import org.connectorconsole.security.PasswordPolicy;

/** The signed-in person's own account: name, password, and the organizations they belong to. */
@Route("account")
@PageTitle("Your account · Connector Console")
@Menu(title = "Your account", order = 90, icon = "vaadin:user")
@PermitAll
class AccountView extends VerticalLayout {

    private final AccountService accounts;
    private final TextField email = new TextField("E-mail address");
    private final TextField displayName = new TextField("Name");
    private final PasswordField currentPassword = new PasswordField("Current password");
    private final PasswordField newPassword = new PasswordField("New password");
    private final PasswordField confirmation = new PasswordField("Repeat the new password");
    private final Grid<Member> memberships = new Grid<>(Member.class, false);
    private int version;

    AccountView(AccountService accounts) {
        this.accounts = accounts;
        addClassName("console-page");
        setMaxWidth("48rem");

        email.setReadOnly(true);
        email.setHelperText("Your sign-in name. It cannot be changed here.");
        displayName.setMaxLength(AccountService.MAX_NAME_LENGTH);
        displayName.setRequiredIndicatorVisible(true);
        displayName.setId("display-name");
        Button saveName = new Button("Save name", e -> saveName());
        saveName.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        saveName.setId("save-name");
        FormLayout profile = new FormLayout(email, displayName);
        profile.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));

        currentPassword.setId("current-password");
        newPassword.setId("new-password");
        newPassword.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters; a few unrelated words work well.");
        confirmation.setId("confirm-password");
        Button changePassword = new Button("Change password", e -> changePassword());
        changePassword.setId("change-password");
        confirmation.addKeyPressListener(Key.ENTER, e -> changePassword());
        FormLayout password = new FormLayout(currentPassword, newPassword, confirmation);
        password.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));

        memberships.addColumn(Member::orgName).setHeader("Organization").setFlexGrow(2);
        memberships.addColumn(m -> m.plan().label()).setHeader("Plan");
        memberships.addColumn(m -> m.role().label()).setHeader("Your role");
        memberships.setAllRowsVisible(true);

        add(new H2("Your account"), profile, saveName,
                new H3("Password"), password, changePassword,
                new H3("Organizations"), new Paragraph("You belong to these organizations."), memberships);
        load();
    }

    private void load() {
        AccountService.AccountDetails me = accounts.me();
        email.setValue(me.email());
        displayName.setValue(me.displayName());
        memberships.setItems(me.memberships());
        version = me.version();
    }

    private void saveName() {
        displayName.setInvalid(false);
        try {
            accounts.rename(displayName.getValue(), version);
            load();
            Notices.success("Your name is saved.");
        } catch (ValidationException e) {
            show(e.fieldErrors());
        } catch (ConflictException e) {
            Notices.error(e.getMessage());
        }
    }

    private void changePassword() {
        currentPassword.setInvalid(false);
        newPassword.setInvalid(false);
        confirmation.setInvalid(false);
        try {
            accounts.changePassword(currentPassword.getValue(), newPassword.getValue(), confirmation.getValue(),
                    version);
            currentPassword.clear();
            newPassword.clear();
            confirmation.clear();
            load();
            Notices.success("Your password is changed. Use the new one next time you sign in.");
        } catch (ValidationException e) {
            show(e.fieldErrors());
        } catch (ConflictException e) {
            Notices.error(e.getMessage());
        }
    }

    private void show(Map<String, String> errors) {
        errors.forEach((field, message) -> {
            switch (field) {
                case "displayName" -> invalid(displayName, message);
                case "currentPassword" -> invalid(currentPassword, message);
                case "newPassword" -> invalid(newPassword, message);
                case "confirmation" -> invalid(confirmation, message);
                default -> Notices.error(message);
            }
        });
    }

    private static void invalid(com.vaadin.flow.component.HasValidation field, String message) {
        field.setErrorMessage(message);
        field.setInvalid(true);
    }
}
