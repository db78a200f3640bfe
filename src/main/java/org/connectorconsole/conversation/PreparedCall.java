package org.connectorconsole.conversation;

import java.util.Map;
import java.util.UUID;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.security.Member;

/**
 * A tool call checked before anything is sent and kept in the history as running: who makes it, where, with which
 * tool and arguments (parsed, and as the JSON that was stored), its id, and whether the member confirmed exactly
 * these arguments, and the gateway client that made it (null: the console's tool runner).
 */
record PreparedCall(Member member, ConversationId conversationId, Connector connector, String toolName,
        Map<String, Object> arguments, String argumentsJson, UUID callId, boolean approved, String clientName) {
}
