package org.connectorconsole.organization.ui;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.Map;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.organization.SetupService;
import org.connectorconsole.security.PasswordPolicy;

/**
 * First-time setup, open only while the console has no owner: the one-time code from the log proves the person
 * runs this installation.
 */
@Route(value = "setup", autoLayout = false)
@PageTitle("Set up · Connector Console")
@AnonymousAllowed
class SetupView extends Main implements BeforeEnterObserver {

    private final SetupService setup;
    private final TextField code = new TextField("Setup code");
    private final TextField organizationName = new TextField("Organization name");
    private final Select<Plan> plan = new Select<>();
    private final TextField ownerName = new TextField("Your name");
    private final EmailField email = new EmailField("Your e-mail address");
    private final PasswordField password = new PasswordField("Password");
    private final PasswordField confirmation = new PasswordField("Repeat the password");

    SetupView(SetupService setup) {
        this.setup = setup;
        addClassName("console-auth-page");

        code.setId("setup-code");
        code.setHelperText("Printed in the console's log at start-up, like ABCD-EFGH-JKLM.");
        organizationName.setId("organization-name");
        organizationName.setMaxLength(SetupService.MAX_ORG_NAME);
        plan.setId("plan");
        plan.setLabel("Plan");
        plan.setItems(Plan.TEAM, Plan.ENTERPRISE, Plan.PRO, Plan.MAX, Plan.FREE);
        plan.setItemLabelGenerator(p -> switch (p) {
            case TEAM -> "Team: owners add connectors, members connect";
            case ENTERPRISE -> "Enterprise: as Team, for larger organizations";
            case PRO -> "Pro: one person, own connectors";
            case MAX -> "Max: one person, own connectors";
            case FREE -> "Free: one person, no custom connectors";
        });
        plan.setValue(Plan.TEAM);
        ownerName.setId("owner-name");
        email.setId("owner-email");
        password.setId("owner-password");
        password.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters.");
        confirmation.setId("owner-password-confirmation");
        for (var f : new HasValidation[] {code, organizationName, ownerName, email, password, confirmation}) {
            f.setManualValidation(true);
        }

        FormLayout form = new FormLayout(code, organizationName, plan, ownerName, email, password, confirmation);
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        Button create = new Button("Create organization and owner", e -> submit());
        create.setId("complete-setup");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setWidthFull();

        Div card = new Div();
        card.addClassName("console-auth-card");
        card.addClassName("console-auth-card-wide");
        H1 title = new H1("Set up Connector Console");
        title.addClassName("console-auth-title");
        Paragraph lead = new Paragraph("Create your organization and its first owner. This page disappears once "
                + "it has been used.");
        lead.addClassName("console-auth-lead");
        card.add(title, lead, form, create);
        add(card);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (!setup.isSetupPending()) {
            event.forwardTo("login");
        }
    }

    private void submit() {
        for (var f : new HasValidation[] {code, organizationName, ownerName, email, password, confirmation}) {
            f.setInvalid(false);
        }
        plan.setInvalid(false);
        try {
            setup.completeSetup(new SetupService.SetupRequest(code.getValue(), organizationName.getValue(),
                    plan.getValue(), ownerName.getValue(), email.getValue(), password.getValue(),
                    confirmation.getValue()));
            Notices.success("Your organization is ready. Sign in with the e-mail address and password you chose.");
            getUI().ifPresent(ui -> ui.navigate("login"));
        } catch (ValidationException e) {
            show(e);
        }
    }

    private void show(ValidationException e) {
        Map<String, String> errors = e.fieldErrors();
        if (errors.isEmpty()) {
            Notices.error(e.getMessage());
            return;
        }
        errors.forEach((field, message) -> {
            HasValidation target = switch (field) {
                case "code" -> code;
                case "organizationName" -> organizationName;
                case "plan" -> plan;
                case "ownerName" -> ownerName;
                case "email" -> email;
                case "password" -> password;
                case "passwordConfirmation" -> confirmation;
                default -> null;
            };
            if (target == null) {
                Notices.error(message);
            } else {
                target.setErrorMessage(message);
                target.setInvalid(true);
            }
        });
    }
}
