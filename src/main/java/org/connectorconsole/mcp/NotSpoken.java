package org.connectorconsole.mcp;

import java.util.List;

/**
 * The server answered, in a way that says it does not speak the revision tried: {@code server/discover} refused
 * (HTTP 400, 404 or 405, JSON-RPC -32601 method not found, -32022 unsupported protocol version, or a discover
 * result not listing 2026-07-28), or {@code initialize} refused the same ways. Negotiation then tries the other
 * revision. {@code supported} holds the versions the server named, if it named any.
 */
final class NotSpoken extends Exception {

    private final transient List<String> supported;

    NotSpoken(String seen, List<String> supported, Throwable cause) {
        super(seen, cause, false, false);
        this.supported = supported == null ? List.of() : List.copyOf(supported);
    }

    String seen() {
        return getMessage();
    }

    List<String> supported() {
        return supported;
    }
}
