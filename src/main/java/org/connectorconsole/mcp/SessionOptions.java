package org.connectorconsole.mcp;

/**
 * What a session may do beyond listing and calling tools. {@code forms} answers a server's request for input
 * (null: none is declared, and such a request fails).
 */
public record SessionOptions(FormAnswerer forms) {

    public static final SessionOptions NONE = new SessionOptions(null);
}
