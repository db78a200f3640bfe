package org.connectorconsole.mcp;

/**
 * A standing subscription to a server's tool list changes ({@link McpToolSession#watchTools}): a
 * {@code subscriptions/listen} stream in 2026-07-28, an open session receiving {@code notifications/tools/list_changed}
 * in 2025-11-25. {@link #close()} ends it.
 */
public interface ToolWatch extends AutoCloseable {

    /** How the watch listens: "subscriptions/listen" or "open session". */
    String how();

    @Override
    void close();

    /** What happens while a watch lives. Both are called on the SDK's threads: hand work off, do not block. */
    interface Listener {

        /** The server announced that its tool list changed. */
        void toolsChanged();

        /** The watch ended (the server closed the stream, or it failed); {@code cause} may be null. */
        void ended(Throwable cause);
    }
}
