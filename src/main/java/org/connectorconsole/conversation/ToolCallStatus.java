package org.connectorconsole.conversation;

/** Where a tool call stands; every state but RUNNING is final. */
public enum ToolCallStatus {
    RUNNING("Running"),
    SUCCEEDED("Done"),
    /** The tool ran and reported an error itself ({@code isError}). */
    TOOL_ERROR("Tool reported an error"),
    /** The server or the connection failed: no result. */
    FAILED("Failed"),
    TIMED_OUT("Timed out"),
    CANCELLED("Cancelled"),
    /** The console refused the call (policy, review, approval, arguments): the server was not asked. */
    REFUSED("Refused");

    private final String label;

    ToolCallStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
