package org.connectorconsole.conversation;

import java.time.Instant;
import java.util.UUID;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.mcp.ToolOutcome;

/**
 * One call in a conversation's history: what was asked and what came back. {@code result} is null unless the
 * tool answered; {@code message} explains a refusal, failure, timeout or cancellation.
 */
public record ToolCallEntry(UUID id, ConnectorId connectorId, String connectorName, String toolName,
        String argumentsJson, ToolCallStatus status, ToolOutcome result, String message, Instant startedAt,
        Long durationMs) {
}
