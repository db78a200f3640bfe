package org.connectorconsole.connector;

/**
 * What the add and edit forms submit. {@code clientSecret}: {@code null} or empty keeps the stored secret (if
 * any); {@code removeClientSecret} deletes it.
 */
public record ConnectorForm(String name, String url, String oauthClientId, String clientSecret,
        boolean removeClientSecret) {

    /** Never prints the secret (records print every field by default). */
    @Override
    public String toString() {
        return "ConnectorForm[name=" + name + ", url=" + url + ", oauthClientId=" + oauthClientId
                + ", clientSecret=" + (clientSecret == null || clientSecret.isEmpty() ? "none" : "(hidden)")
                + ", removeClientSecret=" + removeClientSecret + "]";
    }

    public static ConnectorForm of(String name, String url) {
        return new ConnectorForm(name, url, null, null, false);
    }
}
