package org.connectorconsole.conversation;

import org.connectorconsole.mcp.McpToolSession;

/** What a caller hears about a tool call while it runs and when it ends (on a background thread). */
public interface ToolCallListener {

    void progress(McpToolSession.Progress progress);

    void finished(ToolCallEntry entry);
}
