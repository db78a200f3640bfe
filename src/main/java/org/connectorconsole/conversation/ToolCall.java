package org.connectorconsole.conversation;

import org.connectorconsole.connector.Connector;

/**
 * What one tool call needs, once the caller has checked who may make it: the conversation whose history keeps the
 * call (null for a call through the gateway's member endpoint, which belongs to no conversation: then the
 * connectors the member may use are the ones switched on by its owners), the connector (as the caller found it
 * in the member's organization), the tool's name, the arguments as the member gave them (a JSON object), the
 * member's confirmation of exactly these arguments or null, and the name of the MCP client that made the call
 * through the gateway (null for the console's own tool runner).
 */
public record ToolCall(ConversationId conversationId, Connector connector, String toolName, String argumentsJson,
        String confirmedArguments, String clientName) {

    /** A call of the console's own tool runner. */
    public ToolCall(ConversationId conversationId, Connector connector, String toolName, String argumentsJson,
            String confirmedArguments) {
        this(conversationId, connector, toolName, argumentsJson, confirmedArguments, null);
    }
}
