package org.connectorconsole.base.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;

/**
 * A newly created secret (an API token, a personal access token) shown once: the dialog that created it now holds
 * only the advice where to keep it, the secret read-only to copy, and Done.
 */
public final class SecretOnceDialog {

    private SecretOnceDialog() {
    }

    /** Replaces what {@code dialog} holds with {@code secret} (in a field with {@code fieldId}) and the advice. */
    public static void show(Dialog dialog, String fieldId, String secret, String advice) {
        dialog.removeAll();
        TextField field = new TextField("Token (shown once: copy it now)");
        field.setId(fieldId);
        field.setValue(secret);
        field.setReadOnly(true);
        field.setWidthFull();
        dialog.add(new Paragraph(advice), field);
        dialog.getFooter().removeAll();
        dialog.getFooter().add(new Button("Done", ev -> dialog.close()));
    }
}
