package org.connectorconsole.conversation;

import java.util.List;
import org.connectorconsole.base.ConnectorUseState;

/**
 * The tools of a conversation's switched-on connectors, listed from their servers now, and the connectors that
 * could not be listed, each with the reason (and whether connecting again helps).
 */
public record ToolBoard(List<ConversationTool> tools, List<Problem> problems) {

    /**
     * A connector whose tools cannot be listed here, and why; {@code state} is its state in the shared vocabulary
     * (null for a note that is no state, such as a cut-off listing).
     */
    public record Problem(String connectorName, String message, boolean reconnect, ConnectorUseState state) {

        public Problem(String connectorName, String message, boolean reconnect) {
            this(connectorName, message, reconnect, reconnect ? ConnectorUseState.NEEDS_RECONNECT
                    : ConnectorUseState.FAILING);
        }
    }

    public ToolBoard {
        tools = List.copyOf(tools);
        problems = List.copyOf(problems);
    }
}
