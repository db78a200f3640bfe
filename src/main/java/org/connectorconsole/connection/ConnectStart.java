package org.connectorconsole.connection;

/** The answer to "Connect": send the browser to {@code authorizationUrl}, or nothing to do (no sign-in needed). */
public record ConnectStart(String authorizationUrl) {

    public static ConnectStart noSignInNeeded() {
        return new ConnectStart(null);
    }

    public boolean needsBrowser() {
        return authorizationUrl != null;
    }
}
