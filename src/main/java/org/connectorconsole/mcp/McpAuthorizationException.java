package org.connectorconsole.mcp;

import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import java.util.List;

/**
 * The server refused the request's authorization: HTTP 401 (no valid token) or 403 (for instance
 * {@code insufficient_scope}), with its {@code WWW-Authenticate} challenge.
 */
public class McpAuthorizationException extends McpProbeException {

    private final int status;
    private final List<String> wwwAuthenticate;

    public McpAuthorizationException(int status, List<String> wwwAuthenticate, Throwable cause) {
        super(status == 401 ? "The server does not accept the sign-in (HTTP 401)."
                : "The server refused the request (HTTP " + status + ").", cause);
        this.status = status;
        this.wwwAuthenticate = List.copyOf(wwwAuthenticate);
    }

    public int status() {
        return status;
    }

    public List<String> wwwAuthenticate() {
        return wwwAuthenticate;
    }

    /** The SDK's authorization failure somewhere in the cause chain, or null. */
    static McpAuthorizationException from(Throwable error) {
        Throwable t = error;
        while (t != null) {
            if (t instanceof io.modelcontextprotocol.modern.client.transport.McpHttpStatusException status
                    && (status.statusCode() == 401 || status.statusCode() == 403)) {
                return new McpAuthorizationException(status.statusCode(),
                        status.headers().allValues("www-authenticate"), error);
            }
            if (t instanceof McpHttpClientTransportAuthorizationException auth && auth.getResponseInfo() != null) {
                return new McpAuthorizationException(auth.getResponseInfo().statusCode(),
                        auth.getResponseInfo().headers().allValues("www-authenticate"), error);
            }
            t = t.getCause();
        }
        return null;
    }
}
