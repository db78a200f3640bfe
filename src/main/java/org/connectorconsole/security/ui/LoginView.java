package org.connectorconsole.security.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Main;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.spring.security.AuthenticationContext;
import com.vaadin.flow.component.html.Anchor;
import org.connectorconsole.security.SignInOptions;
import org.connectorconsole.security.SsoRequiredException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.web.WebAttributes;

/** Sign-in with a local account. While no owner exists it leads to the first-time setup instead. */
@Route(value = "login", autoLayout = false)
@PageTitle("Sign in · Connector Console")
@AnonymousAllowed
public class LoginView extends Main implements BeforeEnterObserver {

    static final String WRONG_CREDENTIALS = "Wrong e-mail address or password. Check both and try again.";

    private final LoginForm form = new LoginForm();
    private final SignInOptions options;
    private final AuthenticationContext authentication;

    public LoginView(SignInOptions options, AuthenticationContext authentication) {
        this.options = options;
        this.authentication = authentication;
        addClassName("console-auth-page");
        form.setAction("login");
        form.setForgotPasswordButtonVisible(false);
        form.setI18n(i18n(WRONG_CREDENTIALS));

        Div card = new Div();
        card.addClassName("console-auth-card");
        H1 title = new H1("Connector Console");
        title.addClassName("console-auth-title");
        Paragraph lead = new Paragraph("Manage the custom connectors your AI assistant may use.");
        lead.addClassName("console-auth-lead");
        card.add(title, lead, form);
        var providers = options.ssoProviders();
        if (!providers.isEmpty()) {
            Div sso = new Div();
            sso.addClassName("console-sso");
            Paragraph or = new Paragraph("Or sign in with your organization's identity provider:");
            or.addClassName("console-muted");
            sso.add(or);
            for (SignInOptions.SsoProvider p : providers) {
                Anchor link = new Anchor(p.path(), "Sign in with " + p.name());
                link.setRouterIgnore(true);
                link.setId("sso-" + p.registrationId());
                link.addClassName("console-sso-button");
                sso.add(link);
            }
            card.add(sso);
        }
        add(card);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        if (authentication.isAuthenticated()) {
            event.forwardTo("");
            return;
        }
        if (options.firstTimeSetupPending()) {
            event.forwardTo("setup");
            return;
        }
        if (event.getLocation().getQueryParameters().getParameters().containsKey("error")) {
            form.setI18n(i18n(lastFailure()));
            form.setError(true);
        }
    }

    /** Spring Security keeps the last failure in the HTTP session; a lockout says how long it lasts. */
    private static String lastFailure() {
        VaadinSession session = VaadinSession.getCurrent();
        Object failure = session == null ? null
                : session.getSession().getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        if (failure instanceof LockedException || failure instanceof SsoRequiredException) {
            return ((Exception) failure).getMessage();
        }
        if (failure instanceof OAuth2AuthenticationException sso) {
            String code = sso.getError().getErrorCode();
            String description = sso.getError().getDescription();
            return "console_refused".equals(code) && description != null ? description
                    : "Single sign-on did not complete (" + (description == null ? code : description)
                            + "). Try again; if it keeps failing, tell an owner of your organization.";
        }
        return WRONG_CREDENTIALS;
    }

    private static LoginI18n i18n(String errorMessage) {
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in");
        i18n.getForm().setUsername("E-mail address");
        i18n.getForm().setSubmit("Sign in");
        i18n.getErrorMessage().setTitle("Couldn't sign you in");
        i18n.getErrorMessage().setMessage(errorMessage);
        return i18n;
    }
}
