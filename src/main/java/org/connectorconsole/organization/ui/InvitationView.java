package org.connectorconsole.organization.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.util.Map;
import org.connectorconsole.base.OrganizationChoices;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.organization.InvitationPreview;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.security.SignInOptions;
import org.springframework.security.access.AccessDeniedException;

/**
 * The page an invitation link opens: who invited whom to what, and the ways to accept — a new local account,
 * single sign-on, or the account already signed in (same e-mail address only). Closed links say why.
 */
@Route(value = "invitation", autoLayout = false)
@PageTitle("Invitation · Connector Console")
@AnonymousAllowed
class InvitationView extends Main implements HasUrlParameter<String> {

    private final InvitationService invitations;
    private final SignInOptions signInOptions;
    private final OrganizationChoices organizations;
    private final AuthenticationContext authentication;
    private final Div card = new Div();

    InvitationView(InvitationService invitations, SignInOptions signInOptions,
            OrganizationChoices organizations, AuthenticationContext authentication) {
        this.invitations = invitations;
        this.signInOptions = signInOptions;
        this.organizations = organizations;
        this.authentication = authentication;
        addClassName("console-auth-page");
        card.addClassNames("console-auth-card", "console-auth-card-wide");
        card.setId("invitation");
        add(card);
    }

    @Override
    public void setParameter(BeforeEvent event, String token) {
        show(token);
    }

    private void show(String token) {
        card.removeAll();
        H1 title = new H1("Invitation");
        title.addClassName("console-auth-title");
        card.add(title);
        InvitationPreview p = invitations.preview(token);
        if (p.state() != InvitationPreview.State.OPEN) {
            Paragraph closed = new Paragraph(InvitationService.messageFor(p.state()));
            closed.setId("invitation-closed");
            card.add(closed, new Anchor("login", "Go to sign-in"));
            return;
        }
        Paragraph lead = new Paragraph("You are invited to join " + p.organizationName() + " as "
                + (p.role().name().equals("OWNER") ? "an owner" : "a member") + ", with the e-mail address "
                + p.email() + ".");
        lead.setId("invitation-lead");
        lead.addClassName("console-auth-lead");
        card.add(lead);
        switch (p.visitor()) {
            case SOMEONE_ELSE -> {
                Paragraph refused = new Paragraph("This invitation is for " + p.email() + ", but you are signed in "
                        + "with another address. Sign out, then open this link again and sign in as " + p.email()
                        + ".");
                refused.setId("invitation-refused");
                refused.addClassName("console-caution");
                Button signOut = new Button("Sign out", e -> authentication.logout());
                signOut.setId("invitation-sign-out");
                card.add(refused, signOut);
            }
            case ALREADY_MEMBER -> card.add(new Paragraph("You are already a member of " + p.organizationName()
                    + "."), new Anchor("", "Open the console"));
            case INVITED_PERSON -> {
                Button join = new Button("Join " + p.organizationName());
                join.setId("invitation-join");
                join.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
                join.addClickListener(e -> {
                    try {
                        var orgId = invitations.acceptAsSignedIn(token);
                        organizations.switchTo(orgId);
                        getUI().ifPresent(ui -> ui.getPage().setLocation("/"));
                    } catch (ValidationException | AccessDeniedException ex) {
                        Notices.error(ex.getMessage());
                        show(token);
                    }
                });
                card.add(join);
            }
            case ANONYMOUS -> anonymous(token, p);
        }
    }

    private void anonymous(String token, InvitationPreview p) {
        var providers = signInOptions.ssoProviders();
        if (p.accountExists()) {
            Paragraph existing = new Paragraph("An account for " + p.email() + " exists. Sign in with it, then "
                    + "open this link again to join.");
            existing.setId("invitation-existing-account");
            card.add(existing, new Anchor("login", "Sign in"));
        } else if (!p.ssoRequired()) {
            TextField name = new TextField("Your name");
            name.setId("invitation-name");
            name.setWidthFull();
            TextField email = new TextField("E-mail address");
            email.setValue(p.email());
            email.setReadOnly(true);
            email.setWidthFull();
            PasswordField password = new PasswordField("Password");
            password.setId("invitation-password");
            password.setHelperText("At least 12 characters.");
            password.setWidthFull();
            PasswordField confirmation = new PasswordField("Password again");
            confirmation.setId("invitation-confirmation");
            confirmation.setWidthFull();
            Button create = new Button("Create account and join");
            create.setId("invitation-create");
            create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            create.setWidthFull();
            create.addClickListener(e -> {
                FieldErrors.clear(name, password, confirmation);
                try {
                    invitations.acceptWithNewAccount(token, name.getValue(), password.getValue(),
                            confirmation.getValue());
                    Notices.success("Your account is ready and you joined " + p.organizationName()
                            + ". Sign in with " + p.email() + ".");
                    getUI().ifPresent(ui -> ui.navigate("login"));
                } catch (ValidationException ex) {
                    FieldErrors.show(ex, Map.of("name", name, "password", password, "confirmation", confirmation));
                }
            });
            card.add(name, email, password, confirmation, create);
        } else {
            Paragraph sso = new Paragraph(p.organizationName() + " requires single sign-on: accept with your "
                    + "identity provider.");
            card.add(sso);
        }
        if (!providers.isEmpty()) {
            Div ssoBox = new Div();
            ssoBox.addClassName("console-sso");
            Paragraph or = new Paragraph("Or accept with your organization's identity provider (it must confirm "
                    + p.email() + "):");
            or.addClassName("console-muted");
            ssoBox.add(or);
            for (SignInOptions.SsoProvider provider : providers) {
                Anchor link = new Anchor("/" + provider.path(), "Continue with " + provider.name());
                link.setRouterIgnore(true);
                link.setId("invitation-sso-" + provider.registrationId());
                link.addClassName("console-sso-button");
                ssoBox.add(link);
            }
            card.add(ssoBox);
        }
    }
}
