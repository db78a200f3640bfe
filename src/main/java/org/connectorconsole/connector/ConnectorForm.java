package org.connectorconsole.connector;

/**
 * What the add and edit forms submit. {@code clientSecret}: {@code null} or empty keeps the stored secret (if
 * any); {@code removeClientSecret} deletes it.
 */
public record ConnectorForm(String name, String url, String oauthClientId, String clientSecret,
        boolean removeClientSecret) {

    public static ConnectorForm of(String name, String url) {
        return new ConnectorForm(name, url, null, null, false);
    }
}
