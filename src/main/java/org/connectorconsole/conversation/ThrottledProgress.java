package org.connectorconsole.conversation;

import java.util.List;
import org.connectorconsole.mcp.McpToolSession;

/**
 * Passes a call's progress on to everyone following it, at most four times a second (the last step always), with
 * the server's message cut to a readable length: a chatty server must not flood the browsers.
 */
final class ThrottledProgress implements ToolCallListener {

    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final int MAX_MESSAGE = 200;

    private final List<ToolCallListener> audience;
    private long last = System.nanoTime() - INTERVAL_NANOS;

    ThrottledProgress(List<ToolCallListener> audience) {
        this.audience = audience;
    }

    @Override
    public synchronized void progress(McpToolSession.Progress progress) {
        long now = System.nanoTime();
        boolean finalStep = progress.total() != null && progress.progress() >= progress.total();
        if (!finalStep && now - last < INTERVAL_NANOS) {
            return;
        }
        last = now;
        String message = ToolResults.printable(progress.message());
        if (message != null && message.length() > MAX_MESSAGE) {
            message = message.substring(0, MAX_MESSAGE) + "…";
        }
        McpToolSession.Progress shown = new McpToolSession.Progress(progress.progress(), progress.total(), message);
        for (ToolCallListener listener : audience) {
            try {
                listener.progress(shown);
            } catch (RuntimeException e) {
                // one closed page must not stop the others
            }
        }
    }

    @Override
    public void finished(ToolCallEntry entry) {
        // the service tells every listener itself, once
    }
}
