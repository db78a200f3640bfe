package org.connectorconsole.conversation;

import java.util.List;

/**
 * The tools of a conversation's switched-on connectors, listed from their servers now, and the connectors that
 * could not be listed, each with the reason (and whether connecting again helps).
 */
public record ToolBoard(List<ConversationTool> tools, List<Problem> problems) {

    public record Problem(String connectorName, String message, boolean reconnect) {
    }

    public ToolBoard {
        tools = List.copyOf(tools);
        problems = List.copyOf(problems);
    }
}
