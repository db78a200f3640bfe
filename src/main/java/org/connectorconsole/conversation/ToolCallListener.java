package org.connectorconsole.conversation;

import org.connectorconsole.mcp.McpToolSession;

/** What a caller hears about a tool call while it runs and when it ends (on a background thread). */
public interface ToolCallListener {

    void progress(McpToolSession.Progress progress);

    void finished(ToolCallEntry entry);

    /**
     * Whether this listener can put a server's request for input before a person ({@link #inputRequested}). A call
     * whose starting listener cannot declares no elicitation capability to the server.
     */
    default boolean answersInput() {
        return false;
    }

    /**
     * The server asks the member for input during the call: show it and answer it (accept, decline or cancel), or
     * leave it; it is cancelled when nobody answers within the call's timeout.
     */
    default void inputRequested(InputRequest request) {
    }
}
