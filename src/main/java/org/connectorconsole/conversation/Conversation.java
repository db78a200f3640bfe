package org.connectorconsole.conversation;

import java.time.Instant;

/** A member's conversation: a titled workspace whose connectors and tool calls are its own. */
public record Conversation(ConversationId id, String title, Instant createdAt, Instant updatedAt, int version) {
}
