package org.connectorconsole.oauth;

/**
 * The console's identity at one authorization server, for one connector: who registered it, and how it
 * authenticates at the token endpoint ({@code client_secret_basic}, {@code client_secret_post} or {@code none}).
 * {@link #toString()} never prints the secret.
 */
public record OAuthClient(String clientId, String clientSecret, String authMethod, Source source) {

    public enum Source {
        /** The owner's client ID (and secret) from the connector's Advanced settings. */
        OWNER,
        /** The console's Client ID Metadata Document: its HTTPS URL is the client ID. */
        METADATA_DOCUMENT,
        /** Dynamic Client Registration (RFC 7591), kept per connector and shared by its members. */
        DYNAMIC
    }

    public static final String BASIC = "client_secret_basic";
    public static final String POST = "client_secret_post";
    public static final String NONE = "none";

    @Override
    public String toString() {
        return "OAuthClient[clientId=" + clientId + ", secret=" + (clientSecret == null ? "none" : "(hidden)")
                + ", authMethod=" + authMethod + ", source=" + source + "]";
    }
}
