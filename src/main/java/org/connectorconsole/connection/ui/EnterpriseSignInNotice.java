package org.connectorconsole.connection.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import java.util.List;
import java.util.function.Consumer;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connection.EnterpriseManagedService.ManagedConnection;

/**
 * The member's connectors reached through the organization's sign-in (enterprise-managed): connected without a
 * click, or why not — the identity provider's refusal with its own reason, as plain text. Hidden when the
 * organization has no such connector.
 */
class EnterpriseSignInNotice extends Div {

    private Consumer<ConnectorId> onAsk = id -> { };

    EnterpriseSignInNotice() {
        setId("enterprise-sign-in");
        setVisible(false);
    }

    /** What "Connect through your organization's sign-in" does (after a disconnect or a refusal). */
    void onAsk(Consumer<ConnectorId> onAsk) {
        this.onAsk = onAsk;
    }

    void show(List<ManagedConnection> connections) {
        removeAll();
        setVisible(!connections.isEmpty());
        if (connections.isEmpty()) {
            return;
        }
        add(new H3("Through your organization's sign-in"));
        Paragraph lead = new Paragraph("These connectors use your organization's single sign-on: there is nothing "
                + "to click, and your organization's identity provider decides who may use them.");
        lead.addClassName("console-muted");
        add(lead);
        for (ManagedConnection c : connections) {
            Div line = new Div();
            line.addClassName("console-outcome");
            if (c.paused()) {
                // the member's own choice, not a failure
                line.getStyle().set("background", "var(--lumo-contrast-5pct)");
                line.addClassName("enterprise-paused");
            } else {
                line.addClassName(c.connected() ? "console-outcome-success" : "console-outcome-error");
            }
            line.getElement().setAttribute("data-connector", c.connectorId().toString());
            Span name = new Span(c.connectorName() + ": ");
            name.getStyle().set("font-weight", "600");
            line.add(name, new Span(c.connected() ? "Connected through your organization's sign-in." : c.message()));
            if (c.detail() != null && !c.detail().isBlank()) {
                Paragraph detail = new Paragraph("The identity provider said: " + c.detail());
                detail.addClassName("console-muted");
                detail.addClassName("enterprise-detail");
                line.add(detail);
            }
            if (!c.connected() && c.canAsk()) {
                Button ask = new Button("Connect through your organization's sign-in");
                ask.addClassName("enterprise-ask");
                ask.addThemeVariants(ButtonVariant.LUMO_SMALL);
                ask.addClickListener(e -> {
                    ask.setEnabled(false);
                    ask.setText("Connecting…");
                    onAsk.accept(c.connectorId());
                });
                Div actions = new Div(ask);
                actions.getStyle().set("margin-top", "var(--lumo-space-s)");
                line.add(actions);
            }
            add(line);
        }
    }
}
