package org.connectorconsole.gateway.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.connectorconsole.base.ui.Notices;

/** An endpoint's address, read-only, with a button that copies it to the clipboard. */
final class EndpointBox {

    private EndpointBox() {
    }

    static HorizontalLayout of(String id, String address) {
        TextField field = new TextField();
        field.setId(id);
        field.setValue(address);
        field.setReadOnly(true);
        field.setWidthFull();
        field.setAriaLabel("Endpoint address");
        Button copy = new Button("Copy", VaadinIcon.COPY_O.create(), e -> {
            field.getElement().executeJs("navigator.clipboard && navigator.clipboard.writeText($0)", address);
            Notices.success("The address is copied.");
        });
        copy.setId(id + "-copy");
        copy.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout row = new HorizontalLayout(field, copy);
        row.setWidthFull();
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        return row;
    }

    /** The JSON desktop and editor clients take (Claude Desktop, Cursor, VS Code: an "mcpServers" entry). */
    static Div snippet(String id, String address) {
        Pre pre = new Pre("{\n  \"mcpServers\": {\n    \"connector-console\": {\n      \"type\": \"http\",\n"
                + "      \"url\": \"" + address + "\"\n    }\n  }\n}");
        pre.setId(id);
        pre.addClassName("console-url");
        pre.getStyle().set("white-space", "pre-wrap").set("margin", "0");
        return new Div(pre);
    }
}
