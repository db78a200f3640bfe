package org.connectorconsole.base.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.connectorconsole.base.ValidationException;

/**
 * The dialog that creates a token (an API token, a personal access token): a name (and any more fields), Create
 * token, then the new secret shown once, read-only to copy, with advice where to keep it, and Done. Element ids
 * start with the given prefix: {@code -name}, {@code -create}, {@code -secret}.
 */
public final class NewTokenDialog {

    private NewTokenDialog() {
    }

    /**
     * Opens the dialog.
     *
     * @param more fields after the name, by the field names a {@link ValidationException} uses for them
     * @param create makes the token from the name and returns its secret, or null when it has told the person why
     *     not; a {@link ValidationException} is shown at the fields
     * @param created runs once the secret is shown (to reload a list)
     */
    public static <F extends Component & HasValidation> Dialog open(String title, String idPrefix, String placeholder,
            Map<String, F> more, Function<String, String> create, String advice, Runnable created) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(title);
        TextField name = new TextField("Name");
        name.setId(idPrefix + "-name");
        name.setPlaceholder(placeholder);
        name.setWidthFull();
        Map<String, HasValidation> fields = new LinkedHashMap<>();
        fields.put("name", name);
        fields.putAll(more);
        Button save = new Button("Create token");
        save.setId(idPrefix + "-create");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickListener(e -> {
            try {
                String secret = create.apply(name.getValue());
                if (secret != null) {
                    showSecret(dialog, idPrefix + "-secret", secret, advice);
                    created.run();
                }
            } catch (ValidationException ex) {
                FieldErrors.show(ex, fields);
            }
        });
        if (more.isEmpty()) {
            dialog.add(name);
        } else {
            VerticalLayout layout = new VerticalLayout(name);
            more.values().forEach(layout::add);
            dialog.add(layout);
        }
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
        return dialog;
    }

    /**
     * The secret in a dialog of its own, in place of the one that made it: a new dialog takes the focus and keeps Tab
     * inside it (the creating dialog's contents replaced left the focus on a removed button, and Tab went on in the
     * page behind).
     */
    private static void showSecret(Dialog creating, String fieldId, String secret, String advice) {
        Dialog shown = new Dialog();
        shown.setHeaderTitle(creating.getHeaderTitle());
        TextField field = new TextField("Token (shown once: copy it now)");
        field.setId(fieldId);
        field.setValue(secret);
        field.setReadOnly(true);
        field.setWidthFull();
        shown.add(new Paragraph(advice), field);
        Button done = new Button("Done", ev -> shown.close());
        done.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        shown.getFooter().add(done);
        creating.close();
        shown.open();
    }
}
