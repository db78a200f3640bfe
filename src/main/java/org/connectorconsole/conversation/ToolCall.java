package org.connectorconsole.conversation;

import org.connectorconsole.connector.Connector;

/**
 * What one tool call needs, once the caller has checked who may make it: the conversation whose history keeps the
 * call, the connector (as the caller found it in the member's organisation), the tool's name, the arguments as the
 * member gave them (a JSON object) and the member's confirmation of exactly these arguments, or null.
 */
public record ToolCall(ConversationId conversationId, Connector connector, String toolName, String argumentsJson,
        String confirmedArguments) {
}
