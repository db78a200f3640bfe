package org.connectorconsole.oauth;

/**
 * A step of the authorization flow failed. The message is written for the member (what failed, what to do);
 * {@code error} carries the OAuth error code when the server sent one ({@code invalid_grant},
 * {@code invalid_client}…).
 */
public class OAuthFlowException extends Exception {

    private final String error;

    public OAuthFlowException(String message) {
        this(message, null, null);
    }

    public OAuthFlowException(String message, String error, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public String error() {
        return error;
    }

    public boolean isInvalidGrant() {
        return "invalid_grant".equals(error);
    }

    public boolean isInvalidClient() {
        return "invalid_client".equals(error) || "unauthorized_client".equals(error);
    }
}
