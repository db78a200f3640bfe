package org.connectorconsole.base.ui;

/** Test access to what a person is shown for an error (package-private in the UI). */
public final class UiErrorHandlingAccess {

    private UiErrorHandlingAccess() {
    }

    public static String messageFor(Throwable error) {
        return UiErrorHandling.messageFor(error);
    }
}
