package org.connectorconsole.registry.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.Optional;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.base.ui.Notices;
import org.connectorconsole.base.ui.PageParts;
import org.connectorconsole.registry.RegistryAccess;
import org.connectorconsole.registry.RegistrySettings;
import org.connectorconsole.registry.RegistrySettingsService;
import org.connectorconsole.security.Authorities;

/**
 * Organization › Registry, for owners: publish the organization's approved connectors as a private MCP registry
 * (Registry API v0.1) that editors and assistants accepting a registry or allow-list address can enforce; off by
 * default, public, or with a bearer token shown once.
 */
@Route("organization/registry")
@PageTitle("Registry · Connector Console")
@Menu(title = "Registry", order = 53, icon = "vaadin:list-ul")
@RolesAllowed(Authorities.ORG_OWNER)
class RegistryView extends VerticalLayout {

    private final RegistrySettingsService registry;
    private final RadioButtonGroup<RegistryAccess> access = new RadioButtonGroup<>("Who may read it");
    private final Checkbox newToken = new Checkbox("Issue a new token (the current one stops working)");
    private final TextField address = new TextField("Registry address");
    private RegistrySettings current;

    RegistryView(RegistrySettingsService registry) {
        this.registry = registry;
        PageParts.header(this, "60rem", "Organization", "Registry",
                "The registry lists the organization's enabled connectors that everyone in it "
                + "may use (connectors limited to groups are left out), each with its address, in the MCP Registry "
                + "API shape. Give its address to editors and assistants that accept a registry or allow-list, so "
                + "they offer the same servers as this console.");
        access.setId("registry-access");
        access.setItems(RegistryAccess.values());
        access.setItemLabelGenerator(RegistryAccess::label);
        access.addValueChangeListener(e -> newToken.setVisible(e.getValue() == RegistryAccess.TOKEN
                && current != null && current.tokenSet()));
        newToken.setId("registry-new-token");
        address.setId("registry-address");
        address.setReadOnly(true);
        address.setWidthFull();
        address.setHelperText("List: GET this address (cursor and limit for paging); one server: "
                + "…/servers/{name}/versions/latest");
        Button save = new Button("Save", e -> save());
        save.setId("registry-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(access, newToken, address, save);
        load();
    }

    private void load() {
        current = registry.current();
        access.setValue(current.access());
        newToken.setValue(false);
        newToken.setVisible(current.access() == RegistryAccess.TOKEN && current.tokenSet());
        address.setValue(current.address());
    }

    private void save() {
        try {
            Optional<String> token = registry.save(access.getValue(), newToken.getValue(), current.version());
            Notices.success(switch (access.getValue()) {
                case OFF -> "Saved: the registry is off.";
                case PUBLIC -> "Saved: anyone with the address can read the registry.";
                case TOKEN -> "Saved: readers need the registry's token.";
            });
            token.ifPresent(this::showToken);
            load();
        } catch (ValidationException | ConflictException e) {
            Notices.error(e.getMessage());
        }
    }

    private void showToken(String token) {
        Dialog shown = new Dialog();
        shown.setHeaderTitle("Registry token");
        TextField field = new TextField("Bearer token");
        field.setId("registry-token");
        field.setValue(token);
        field.setReadOnly(true);
        field.setWidth("36rem");
        Paragraph once = new Paragraph("Copy it now: it is shown only this once. Readers send it as "
                + "Authorization: Bearer ….");
        shown.add(new VerticalLayout(field, once));
        Button close = new Button("I have copied it", e -> shown.close());
        close.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        shown.getFooter().add(close);
        shown.open();
    }
}
