package org.connectorconsole.conversation;

/** A call in progress: its history entry (status RUNNING) and a way to cancel it. */
public record RunningCall(ToolCallEntry entry, Runnable canceller) {

    public void cancel() {
        canceller.run();
    }
}
