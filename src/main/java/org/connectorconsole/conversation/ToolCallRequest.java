package org.connectorconsole.conversation;

import org.connectorconsole.connector.ConnectorId;

/**
 * A member's request to run a tool. {@code argumentsJson} is a JSON object. {@code confirmedArguments} is the
 * SHA-256 of the arguments the member confirmed, for a tool that needs approval of each call (see
 * {@link ConversationService#argumentsHash(String)}); null otherwise.
 */
public record ToolCallRequest(ConversationId conversationId, ConnectorId connectorId, String toolName,
        String argumentsJson, String confirmedArguments) {
}
