package org.connectorconsole.conversation;

/** The console refused a tool call (blocked, held for review, switched off); it is in the history as refused. */
public class ToolRefusedException extends RuntimeException {
    public ToolRefusedException(String message) {
        super(message);
    }
}
