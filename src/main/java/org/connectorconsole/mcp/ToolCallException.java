package org.connectorconsole.mcp;

/** A tool call that produced no result: cancelled, timed out, refused with a JSON-RPC error, or cut off. */
public class ToolCallException extends McpProbeException {

    public enum Kind { CANCELLED, TIMED_OUT, SERVER_ERROR, FAILED }

    private final Kind kind;

    public ToolCallException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
