package org.connectorconsole.conversation.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AnchorTarget;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.conversation.InputRequest;
import org.connectorconsole.conversation.ToolForm;

/**
 * A running call's server asks the member for input: its message (plain text, the server's words), then either a
 * form made from the requested schema with its defaults filled in and Send, or (URL mode) the address's host and a
 * link that opens it only when clicked; Decline and Cancel either way. Send checks the form first
 * and marks what is wrong. The dialog closes when anyone answers (another tab, the timeout); closing it any other
 * way, or leaving the page, cancels when no other page shows the request.
 */
class InputRequestDialog extends Dialog {

    private final InputRequest request;
    private final ToolForm form;
    private final Map<String, Component> inputs = new LinkedHashMap<>();
    private final Paragraph problem = new Paragraph();
    private boolean gone;

    InputRequestDialog(InputRequest request, String toolLabel) {
        this.request = request;
        this.form = request.form();
        setId("input-request");
        setHeaderTitle(toolLabel + (request.url() == null ? " asks for input" : " asks you to open a page"));
        setWidth("min(40rem, 95vw)");
        setCloseOnOutsideClick(false);
        Span from = new Span("The tool's server asks:");
        from.addClassName("console-muted");
        Paragraph message = new Paragraph(request.message());
        message.setId("input-request-message");
        message.getStyle().set("white-space", "pre-line");
        add(from, message);
        Button send = new Button("Send", e -> send());
        send.setId("input-request-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Anchor open = null;
        if (request.url() != null) {
            open = openLink(request);
            add(urlPart(request));
        } else {
            FormLayout fields = new FormLayout();
            fields.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
            for (ToolForm.Field field : form.fields()) {
                Component input = ToolRunDialog.input(field, true);
                inputs.put(field.name(), input);
                fields.add(input);
            }
            problem.setId("input-request-problem");
            problem.addClassName("console-connection-reason");
            problem.setVisible(false);
            Span note = new Span("Your answer goes to the tool's server only; nothing is sent until you choose.");
            note.addClassName("console-muted");
            add(fields, problem, note);
        }

        Button decline = new Button("Decline", e -> {
            request.decline();
            close();
        });
        decline.setId("input-request-decline");
        Button cancel = new Button("Cancel", e -> {
            request.cancel();
            close();
        });
        cancel.setId("input-request-cancel");
        cancel.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        getFooter().add(cancel, decline);
        getFooter().add(open != null ? open : send);

        // Esc or the page going away: this page no longer shows it
        addOpenedChangeListener(e -> {
            if (!e.isOpened()) {
                hiddenHere();
            }
        });
        addDetachListener(e -> hiddenHere());
    }

    /** URL mode: the host large and the whole address as text. */
    private static Component urlPart(InputRequest request) {
        Span asks = new Span("The page is on");
        asks.addClassName("console-muted");
        H3 host = new H3(request.host());
        host.setId("input-request-host");
        host.getStyle().set("margin", "0");
        Paragraph address = new Paragraph(request.url().toString());
        address.setId("input-request-url");
        address.addClassName("console-muted");
        address.getStyle().set("overflow-wrap", "anywhere");
        Span note = new Span("Open it only if you expected this tool to send you there. Nothing opens unless you "
                + "click Open.");
        note.addClassName("console-muted");
        return new Div(asks, host, address, note);
    }

    /**
     * URL mode: a link, styled as the primary button, that opens the address in a new tab only when the member
     * clicks it (without the console as opener or referrer); the click answers {@code accept}.
     */
    private Anchor openLink(InputRequest request) {
        Anchor open = new Anchor(request.url().toString(), "Open " + request.host());
        open.setId("input-request-open");
        open.setTarget(AnchorTarget.BLANK);
        open.getElement().setAttribute("rel", "noopener noreferrer");
        open.getStyle().set("background", "var(--lumo-primary-color)")
                .set("color", "var(--lumo-primary-contrast-color)").set("padding", "0 var(--lumo-space-m)").set("border-radius", "var(--lumo-border-radius-m)")
                .set("line-height", "var(--lumo-size-m)").set("font-weight", "600").set("text-decoration", "none");
        open.getElement().addEventListener("click", e -> {
            request.opened();
            close();
        });
        return open;
    }

    private void send() {
        if (!ToolRunDialog.valid(form, inputs)) {
            problem.setText("Check the marked fields.");
            problem.setVisible(true);
            return;
        }
        Optional<String> wrong = request.accept(ToolRunDialog.values(form, inputs));
        if (wrong.isPresent()) {
            problem.setText(wrong.get());
            problem.setVisible(true);
            return;
        }
        close();
    }

    private void hiddenHere() {
        if (!gone) {
            gone = true;
            request.hidden();
        }
    }
}
