package org.connectorconsole.base.ui;

import com.vaadin.flow.component.confirmdialog.ConfirmDialog;

/**
 * The question before every destructive action (disconnect, remove, revoke, delete): what will happen, a red
 * button that names the action, and Cancel, which changes nothing.
 */
public final class Confirmations {

    private Confirmations() {
    }

    /** Opens the dialog; {@code onConfirm} runs only when the person presses {@code action}. */
    public static ConfirmDialog confirm(String header, String text, String action, Runnable onConfirm) {
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setId("confirm-dialog");
        dialog.setHeader(header);
        dialog.setText(text);
        dialog.setCancelable(true);
        dialog.setConfirmText(action);
        dialog.setConfirmButtonTheme("error primary");
        dialog.addConfirmListener(e -> onConfirm.run());
        dialog.open();
        return dialog;
    }
}
