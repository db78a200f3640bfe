package org.connectorconsole.connection.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.connection.EnterpriseManagedService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.security.Authorities;

/**
 * Owners: the organization's identity provider for token exchange, and which connectors members reach through the
 * organization's sign-in (enterprise-managed authorization, docs/organisations.md).
 */
@Route("organization/enterprise-sign-in")
@PageTitle("Organization sign-in · Connector Console")
@Menu(title = "Organization sign-in", order = 47, icon = "vaadin:key")
@RolesAllowed(Authorities.ORG_OWNER)
class EnterpriseSignInView extends VerticalLayout {

    private final EnterpriseManagedService enterprise;
    private final ConnectorService connectorService;
    private final Checkbox enabled = new Checkbox("Connect members through the organization's sign-in");
    private final TextField tokenEndpoint = new TextField("Identity provider's token endpoint");
    private final TextField clientId = new TextField("The console's client ID at the identity provider");
    private final PasswordField secret = new PasswordField("Client secret");
    private final VerticalLayout connectorList = new VerticalLayout();

    EnterpriseSignInView(EnterpriseManagedService enterprise, ConnectorService connectorService) {
        this.enterprise = enterprise;
        this.connectorService = connectorService;
        PageParts.header(this, "60rem", "Organization", "Organization sign-in",
                "Members who sign in with your organization's single sign-on can be connected "
                + "to connectors without clicking Connect: the console exchanges their sign-in at your identity "
                + "provider (RFC 8693 token exchange) for a grant the connector's server accepts. Your identity "
                + "provider's policy decides who may use which server.");
        enabled.setId("token-exchange-enabled");
        tokenEndpoint.setId("token-exchange-endpoint");
        tokenEndpoint.setWidth("32rem");
        tokenEndpoint.setPlaceholder("https://idp.example.com/oauth2/token");
        tokenEndpoint.setHelperText("It must allow token exchange for ID-JAGs (urn:ietf:params:oauth:token-type:id-jag).");
        clientId.setId("token-exchange-client-id");
        clientId.setWidth("32rem");
        clientId.setHelperText("Normally the client members sign in to the console with.");
        secret.setId("token-exchange-secret");
        secret.setWidth("32rem");
        Button save = new Button("Save", e -> save());
        save.setId("token-exchange-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        H3 connectorsTitle = new H3("Connectors");
        Paragraph connectorsLead = new Paragraph("Switch on the connectors whose server supports enterprise-managed "
                + "authorization. The console asks the server first; it needs the console's client ID there in the "
                + "connector's Advanced settings.");
        connectorsLead.addClassName("console-muted");
        connectorList.setPadding(false);
        connectorList.setId("enterprise-connectors");
        add(enabled, tokenEndpoint, clientId, secret, save,
                connectorsTitle, connectorsLead, connectorList);
        load();
        listConnectors();
    }

    private void load() {
        EnterpriseManagedService.TokenExchange current = enterprise.tokenExchange();
        enabled.setValue(current.enabled());
        tokenEndpoint.setValue(current.tokenEndpoint());
        clientId.setValue(current.clientId());
        secret.clear();
        secret.setPlaceholder(current.secretSet() ? "Saved; leave empty to keep it" : "None");
    }

    private void save() {
        FieldErrors.clear(tokenEndpoint, clientId, secret);
        try {
            enterprise.saveTokenExchange(enabled.getValue(), tokenEndpoint.getValue(), clientId.getValue(),
                    secret.getValue());
            Notices.success(enabled.getValue() ? "Saved: members are connected through your organization's sign-in."
                    : "Saved: connecting through your organization's sign-in is off.");
            load();
        } catch (ValidationException e) {
            FieldErrors.show(e, Map.of("tokenEndpoint", tokenEndpoint, "clientId", clientId, "clientSecret", secret));
        }
    }

    private void listConnectors() {
        connectorList.removeAll();
        List<Connector> all = connectorService.list();
        if (all.isEmpty()) {
            Div empty = new Div(new Paragraph("No connectors yet. Add one under Connectors; servers that support "
                    + "enterprise-managed authorization can then be switched on here."));
            empty.addClassName("console-empty");
            empty.setId("no-enterprise-connectors");
            connectorList.add(empty);
            return;
        }
        Set<ConnectorId> managed = enterprise.enterpriseManagedConnectors();
        for (Connector c : all) {
            Checkbox box = new Checkbox(c.name() + ": use the organization's sign-in (enterprise-managed)",
                    managed.contains(c.id()));
            box.getElement().setAttribute("data-connector", c.id().toString());
            Span progress = new Span();
            progress.addClassName("console-muted");
            progress.addClassName("enterprise-progress");
            progress.setVisible(false);
            box.addValueChangeListener(e -> {
                if (!e.isFromClient()) {
                    return;
                }
                // asking the server takes up to the connections timeout: never on the UI thread
                UI ui = UI.getCurrent();
                box.setEnabled(false);
                progress.setText(e.getValue() ? "Asking " + c.name() + "'s server whether it supports the "
                        + "organization's sign-in…" : "Switching " + c.name() + " off…");
                progress.setVisible(true);
                try {
                    enterprise.setEnterpriseManagedInBackground(c.id(), e.getValue(), problem -> ui.access(() -> {
                        box.setEnabled(true);
                        progress.setVisible(false);
                        if (problem == null) {
                            Notices.success(e.getValue() ? c.name() + " now uses the organization's sign-in."
                                    : c.name() + " no longer uses the organization's sign-in.");
                        } else {
                            box.setValue(e.getOldValue());
                            Notices.error(problem);
                        }
                    }));
                } catch (ValidationException | NotFoundException failure) {
                    box.setEnabled(true);
                    progress.setVisible(false);
                    box.setValue(e.getOldValue());
                    Notices.error(failure.getMessage());
                }
            });
            connectorList.add(new Div(box, progress));
        }
    }
}
