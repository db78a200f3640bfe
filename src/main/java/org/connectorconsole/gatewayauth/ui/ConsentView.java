package org.connectorconsole.gatewayauth.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.dom.Element;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.util.List;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.gatewayauth.ConsentService;
import org.springframework.security.access.AccessDeniedException;

/**
 * The consent page of the console's authorization server: which app asks (its name, its client id or the address
 * of its metadata document, where it will send the member back) and what it will be able to use. Allow and Deny
 * post the decision straight to the authorization endpoint, as a plain form (the pending request's state is what
 * binds the answer to this member and this request).
 */
@Route(value = "oauth2/consent", autoLayout = false)
@PageTitle("Allow access? · Connector Console")
@PermitAll
class ConsentView extends VerticalLayout implements BeforeEnterObserver {

    private final ConsentService consents;

    ConsentView(ConsentService consents) {
        this.consents = consents;
        addClassName("console-page");
        setMaxWidth("40rem");
        getStyle().set("margin", "2rem auto");
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        var params = event.getLocation().getQueryParameters().getParameters();
        String clientId = first(params.get("client_id"));
        String state = first(params.get("state"));
        ConsentService.ConsentRequest request;
        try {
            request = consents.describe(clientId, state);
        } catch (NotFoundException | AccessDeniedException e) {
            Paragraph message = new Paragraph(e.getMessage());
            message.setId("consent-refused");
            add(new H2("An app asked for access"), message);
            return;
        }
        H2 title = new H2("Allow " + request.clientName() + " to use your connectors?");
        title.setId("consent-title");
        Div client = new Div(
                line("App", request.clientName(), "consent-client-name"),
                line(request.metadataDocument() ? "Published at" : "Client id", request.clientId(), "consent-client-id"),
                line("Sends you back to", request.redirectUri(), "consent-redirect-uri"),
                line("Will be able to use", request.what(), "consent-what"));
        client.getStyle().set("display", "grid").set("gap", "var(--lumo-space-s)");
        Paragraph note = new Paragraph((request.metadataDocument()
                ? "The app's details come from the address above. "
                : "This app registered itself; its name is its own claim. ")
                + "Only allow apps you started yourself. You can revoke access at any time under Authorized apps.");
        note.getStyle().set("color", "var(--lumo-secondary-text-color)");
        add(title, client, note, form(request));
    }

    private static Div line(String label, String value, String id) {
        Span name = new Span(label);
        name.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        Span text = new Span(value);
        text.setId(id);
        text.getStyle().set("overflow-wrap", "anywhere").set("font-weight", "500");
        Div line = new Div(name, new Div(text));
        return line;
    }

    private static com.vaadin.flow.component.Component form(ConsentService.ConsentRequest request) {
        Element form = new Element("form");
        form.setAttribute("method", "post");
        form.setAttribute("action", "/oauth2/authorize");
        form.setAttribute("id", "consent-form");
        form.appendChild(hidden("client_id", request.clientId()), hidden("state", request.state()));
        for (String scope : request.scope().isBlank() ? List.<String>of() : List.of(request.scope().split(" "))) {
            form.appendChild(hidden("scope", scope));
        }
        form.appendChild(button("allow", "Allow", true), button("deny", "Deny", false));
        form.getStyle().set("display", "flex").set("gap", "var(--lumo-space-m)").set("margin-top", "var(--lumo-space-l)");
        Div holder = new Div();
        holder.getElement().appendChild(form);
        return holder;
    }

    private static Element hidden(String name, String value) {
        Element input = new Element("input");
        input.setAttribute("type", "hidden");
        input.setAttribute("name", name);
        input.setAttribute("value", value);
        return input;
    }

    private static Element button(String decision, String text, boolean primary) {
        Element button = new Element("button");
        button.setAttribute("type", "submit");
        button.setAttribute("name", "decision");
        button.setAttribute("value", decision);
        button.setAttribute("id", "consent-" + decision);
        button.setText(text);
        button.getStyle().set("font", "inherit").set("font-weight", "600")
                .set("padding", "0 var(--lumo-space-l)").set("height", "var(--lumo-size-m)")
                .set("border-radius", "var(--lumo-border-radius-m)").set("border", "none").set("cursor", "pointer")
                .set("background", primary ? "var(--lumo-primary-color)" : "var(--lumo-contrast-5pct)")
                .set("color", primary ? "var(--lumo-primary-contrast-color)" : "var(--lumo-primary-text-color)");
        return button;
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }
}
