package org.connectorconsole.oauth;

/**
 * The organization's identity provider refused a token exchange (RFC 8693 §2.2.2, e.g. {@code access_denied} when
 * its policy does not allow the member this server): the provider decided, not the console. {@link #description()}
 * is the provider's own {@code error_description} (control characters removed, at most 300 characters), shown to
 * the member as plain text.
 */
public class IdentityProviderRefusedException extends OAuthFlowException {

    private final String description;

    public IdentityProviderRefusedException(String message, String error, String description) {
        super(message, error, null);
        this.description = description;
    }

    /** The provider's {@code error_description}, or null when it sent none. */
    public String description() {
        return description;
    }
}
