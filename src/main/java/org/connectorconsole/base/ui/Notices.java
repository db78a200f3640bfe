package org.connectorconsole.base.ui;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;

/**
 * Short messages at the bottom of the screen, in the console's voice, coloured by what happened: {@link #success}
 * (green) when what was asked was done in full, {@link #info} (neutral) for facts, {@link #warning} (yellow) when it
 * was done but not everything went as one would wish, {@link #error} (red) when it was not done.
 */
public final class Notices {

    private Notices() {
    }

    public static void success(String message) {
        show(message, 4000, NotificationVariant.LUMO_SUCCESS);
    }

    public static void info(String message) {
        show(message, 5000, NotificationVariant.LUMO_CONTRAST);
    }

    public static void warning(String message) {
        show(message, 8000, NotificationVariant.LUMO_WARNING);
    }

    public static void error(String message) {
        show(message, 8000, NotificationVariant.LUMO_ERROR);
    }

    private static void show(String message, int millis, NotificationVariant variant) {
        Notification.show(message, millis, Notification.Position.BOTTOM_START).addThemeVariants(variant);
    }
}
