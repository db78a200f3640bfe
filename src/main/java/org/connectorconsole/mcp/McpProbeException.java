package org.connectorconsole.mcp;

/** An MCP session could not be set up or listed; the message says what happened in a person's words. */
public class McpProbeException extends Exception {
    public McpProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
