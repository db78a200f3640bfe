package org.connectorconsole.gateway.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.Map;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.gateway.GatewaySettings;
import org.connectorconsole.gateway.GatewaySettingsService;
import org.connectorconsole.security.Authorities;

/** Owners: the gateway on or off for the organization, and its rate limits. */
@Route("organization/gateway")
@PageTitle("Gateway · Connector Console")
@Menu(title = "Gateway", order = 46, icon = "vaadin:exchange")
@RolesAllowed(Authorities.ORG_OWNER)
class GatewaySettingsView extends VerticalLayout {

    private final GatewaySettingsService gateway;
    private final Checkbox enabled = new Checkbox("Members may use their connectors from their own assistants");
    private final IntegerField perMember = new IntegerField("Calls per minute per member");
    private final IntegerField perConnector = new IntegerField("Calls per minute per connector");
    private GatewaySettings current;

    GatewaySettingsView(GatewaySettingsService gateway) {
        this.gateway = gateway;
        addClassName("console-page");
        setMaxWidth("60rem");
        Span trail = new Span("Organization");
        trail.addClassName("console-trail");
        Paragraph lead = new Paragraph("The gateway is one MCP address per member (and per conversation) through "
                + "which their own assistants (Claude, ChatGPT, VS Code, Cursor, agents) use the connectors they "
                + "connected here, with their own sign-in. Every rule you set for tools holds there too, and every "
                + "call is in the audit log with the client that made it.");
        lead.addClassName("console-muted");
        enabled.setId("gateway-enabled");
        perMember.setId("gateway-member-limit");
        perConnector.setId("gateway-connector-limit");
        for (IntegerField f : new IntegerField[] {perMember, perConnector}) {
            f.setMin(1);
            f.setMax(GatewaySettings.MAX_PER_MINUTE);
            f.setPlaceholder("No limit");
            f.setClearButtonVisible(true);
            f.setWidth("20rem");
            f.setHelperText("Empty: no limit. Counted across every console instance.");
        }
        Paragraph off = new Paragraph("Switching it off refuses every request at once, whatever token it carries; "
                + "switching it on again lets existing tokens and grants work again.");
        off.addClassName("console-muted");
        Button save = new Button("Save", e -> save());
        save.setId("gateway-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(trail, new H2("Gateway"), lead, enabled, off, new H3("Rate limits"), perMember, perConnector, save);
        load();
    }

    private void load() {
        current = gateway.current();
        enabled.setValue(current.enabled());
        perMember.setValue(current.memberCallsPerMinute());
        perConnector.setValue(current.connectorCallsPerMinute());
    }

    private void save() {
        FieldErrors.clear(perMember, perConnector);
        try {
            gateway.save(enabled.getValue(), perMember.getValue(), perConnector.getValue(), current.version());
            Notices.success(enabled.getValue() ? "Saved: the gateway is on." : "Saved: the gateway is off.");
            load();
        } catch (ValidationException e) {
            FieldErrors.show(e, Map.of("memberCallsPerMinute", perMember, "connectorCallsPerMinute", perConnector));
        } catch (ConflictException e) {
            Notices.error(e.getMessage());
        }
    }
}
