package org.connectorconsole.mcp;

/**
 * What a session may do beyond listing and calling tools. {@code forms} answers a server's request for input in a
 * form, {@code urls} one to open an address (null: that mode is not declared, and such a request fails; URL mode is
 * declared only together with form mode).
 */
public record SessionOptions(FormAnswerer forms, UrlAnswerer urls) {

    public static final SessionOptions NONE = new SessionOptions(null, null);

    public SessionOptions(FormAnswerer forms) {
        this(forms, null);
    }
}
