package org.connectorconsole.gateway;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.conversation.ApprovalRequiredException;
import org.springframework.stereotype.Component;

/**
 * How the gateway asks a member to confirm a call of a tool that needs it (an owner's "needs approval"): by MCP
 * elicitation where the client offers it, otherwise with a tool error that says where in the console to run the
 * call instead. Nothing is sent upstream before the member confirms.
 */
@Component
class GatewayConfirmations {

    private static final int MAX_ARGUMENTS_SHOWN = 2000;
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    /** How a transport asks the member to confirm a call: null when confirmed, else the tool error to answer. */
    interface Confirmer {
        String confirm(Connector connector, String tool, String argumentsJson, ApprovalRequiredException e);
    }

    private final PublicAddress address;

    GatewayConfirmations(PublicAddress address) {
        this.address = address;
    }

    /** The tool error for a client that cannot ask the member (no MCP elicitation): where to run it instead. */
    String cannotAsk(Connector connector, String tool, ApprovalRequiredException e) {
        return e.getMessage() + " Your assistant cannot ask you here (it does not support MCP elicitation), so "
                + "nothing was called. Run " + tool + " of " + connector.name() + " from a conversation in the "
                + "console, where you confirm the arguments: " + address.base() + "/conversations";
    }

    /**
     * Asks through a 2025-11-25 session: by form elicitation where the client offers it (null: confirmed),
     * otherwise the tool error of {@link #cannotAsk}.
     */
    String byElicitation(McpAsyncServerExchange exchange, Connector connector, String tool, String argumentsJson,
            ApprovalRequiredException e) {
        McpSchema.ClientCapabilities capabilities = exchange.getClientCapabilities();
        boolean form = capabilities != null && capabilities.elicitation() != null
                && (capabilities.elicitation().form() != null || capabilities.elicitation().url() == null);
        if (!form) {
            return cannotAsk(connector, tool, e);
        }
        McpSchema.ElicitResult answer;
        try {
            answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(question(e, argumentsJson),
                    schema(connector, tool)).build()).block(MAX_WAIT);
        } catch (RuntimeException failed) {
            return e.getMessage() + " Asking you for confirmation failed, so nothing was called.";
        }
        return answered(tool, answer != null && answer.action() == McpSchema.ElicitResult.Action.ACCEPT,
                answer == null ? null : answer.content());
    }

    /** What the member is asked (the same on both revisions): the reason and the arguments, cut to a readable size. */
    String question(ApprovalRequiredException e, String argumentsJson) {
        return e.getMessage() + " Arguments: " + cut(argumentsJson, MAX_ARGUMENTS_SHOWN);
    }

    /** The form the member answers: one required yes/no, "Run <tool> of <connector> with these arguments". */
    Map<String, Object> schema(Connector connector, String tool) {
        return Map.of("type", "object",
                "properties", Map.of("confirm", Map.of("type", "boolean", "title", "Run " + tool + " of "
                        + connector.name() + " with these arguments")),
                "required", List.of("confirm"));
    }

    /** Null when the member accepted and ticked "confirm"; otherwise the tool error (nothing was called). */
    String answered(String tool, boolean accepted, Map<String, Object> content) {
        if (!accepted || content == null || !Boolean.TRUE.equals(content.get("confirm"))) {
            return "You did not confirm the call of " + tool + ", so nothing was called.";
        }
        return null;
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "…" : text;
    }
}
