package org.connectorconsole.mcp;

import java.util.List;

/**
 * The answer to "how does this server speak MCP?": a transport (and whether it asked for authorization), or a
 * failure with what was seen.
 */
public record TransportDetection(TransportKind kind, boolean authorizationRequired, List<String> wwwAuthenticate,
        int status, String seen, String failure) {

    public boolean ok() {
        return failure == null;
    }

    static TransportDetection found(TransportKind kind, int status, String seen) {
        return new TransportDetection(kind, false, List.of(), status, seen, null);
    }

    static TransportDetection needsAuth(TransportKind kind, int status, List<String> challenge, String seen) {
        return new TransportDetection(kind, true, List.copyOf(challenge), status, seen, null);
    }

    static TransportDetection failed(int status, String seen, String failure) {
        return new TransportDetection(null, false, List.of(), status, seen, failure);
    }
}
