package org.connectorconsole.connector.ui;

import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.Map;
import java.util.function.Consumer;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.FieldErrors;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;

/**
 * "Add custom connector" and "Edit connector": URL, name, and a collapsed Advanced settings section for the
 * OAuth client ID and a write-only secret. Nothing the person typed is lost when the service refuses it.
 */
class ConnectorFormDialog extends Dialog {

    private final TextField url = new TextField("Remote MCP server URL");
    private final TextField name = new TextField("Name");
    private final TextField clientId = new TextField("OAuth Client ID");
    private final PasswordField clientSecret = new PasswordField("OAuth Client Secret");
    private final Checkbox removeSecret = new Checkbox("Remove the stored secret");

    ConnectorFormDialog(ConnectorService connectors, Connector existing, Consumer<Connector> onSaved) {
        boolean adding = existing == null;
        setHeaderTitle(adding ? "Add custom connector" : "Edit " + existing.name());
        setWidth("36rem");
        setMaxWidth("95vw");

        url.setId("connector-url");
        url.setPlaceholder("https://mcp.example.com/mcp");
        url.setHelperText("The address of the server's MCP endpoint, path included.");
        url.setWidthFull();
        url.setRequiredIndicatorVisible(true);
        name.setId("connector-name");
        name.setMaxLength(ConnectorService.MAX_NAME);
        name.setHelperText("Shown to members. Leave empty to use the server's host name.");
        name.setWidthFull();
        clientId.setId("connector-client-id");
        clientId.setMaxLength(ConnectorService.MAX_CLIENT_ID);
        clientId.setWidthFull();
        clientSecret.setId("connector-client-secret");
        clientSecret.setWidthFull();
        clientSecret.setRevealButtonVisible(false);
        removeSecret.setId("connector-remove-secret");
        for (HasValidation f : new HasValidation[] {url, name, clientId, clientSecret}) {
            f.setManualValidation(true);
        }

        if (!adding) {
            url.setValue(existing.url());
            name.setValue(existing.name());
            clientId.setValue(existing.oauthClientId() == null ? "" : existing.oauthClientId());
        }
        boolean secretSet = !adding && existing.clientSecretSet();
        clientSecret.setHelperText(secretSet ? "A secret is set — leave empty to keep it."
                : "Only if the server's operator gave you one. Stored sealed; never shown again.");
        removeSecret.setVisible(secretSet);
        removeSecret.addValueChangeListener(e -> clientSecret.setEnabled(!e.getValue()));

        FormLayout advancedFields = new FormLayout(clientId, clientSecret, removeSecret);
        advancedFields.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        Paragraph advancedHelp = new Paragraph("Most servers register the console themselves. Enter a client ID "
                + "(and secret) only when the server's operator issued one for this console.");
        advancedHelp.addClassName("console-muted");
        Details advanced = new Details("Advanced settings", new VerticalLayout(advancedHelp, advancedFields));
        advanced.setId("connector-advanced");
        advanced.setOpened(!adding && existing.oauthClientId() != null);

        Paragraph caution = new Paragraph("Custom connectors reach services that nobody has verified. Add only "
                + "servers you trust: the assistant may read and act on what a member can reach there.");
        caution.addClassName("console-caution");

        VerticalLayout body = new VerticalLayout(caution, url, name, advanced);
        body.setPadding(false);
        add(body);

        Button cancel = new Button("Cancel", e -> close());
        Button save = new Button(adding ? "Add" : "Save", e -> {
            FieldErrors.clear(url, name, clientId, clientSecret);
            ConnectorForm form = new ConnectorForm(name.getValue(), url.getValue(), clientId.getValue(),
                    clientSecret.getValue(), removeSecret.getValue());
            try {
                Connector saved = adding ? connectors.add(form)
                        : connectors.update(existing.id(), existing.version(), form);
                close();
                onSaved.accept(saved);
            } catch (ValidationException ex) {
                FieldErrors.show(ex, Map.of("url", url, "name", name, "oauthClientId", clientId,
                        "clientSecret", clientSecret));
                if (ex.fieldErrors().containsKey("oauthClientId") || ex.fieldErrors().containsKey("clientSecret")) {
                    advanced.setOpened(true);
                }
            } catch (ConflictException ex) {
                Notices.error(ex.getMessage());
            }
        });
        save.setId("connector-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(cancel, save);
    }
}
