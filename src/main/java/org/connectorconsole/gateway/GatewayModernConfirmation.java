package org.connectorconsole.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.server.InputResponses;
import io.modelcontextprotocol.modern.server.McpRequestContext;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.conversation.ApprovalRequiredException;

/**
 * Confirmation of a call that needs the member's approval on the 2026-07-28 transport (decision 0073): the
 * revision has no server-to-client request during a call, so the first round answers an {@code input_required}
 * result with one form elicitation ({@value #KEY}) and a request state naming the arguments' hash; the client asks
 * the member and calls again with the answer and the state, which the SDK opens through the gateway's sealed codec
 * (bound to the endpoint, the member, the method and the tool, for ten minutes). Only an accepted answer for the same
 * arguments lets the call through; a declined or cancelled one is the same tool error as on 2025-11-25, and nothing
 * is sent upstream before the member confirms. A client that declared no form elicitation gets
 * {@link GatewayConfirmations#cannotAsk}. One per round of one call.
 */
final class GatewayModernConfirmation implements GatewayConfirmations.Confirmer {

    static final String KEY = "confirm";
    private static final String STATE = "confirm-arguments:";
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    /** The round ends with this input request instead of a result (thrown out of the call path, nothing sent). */
    static final class AskFirst extends RuntimeException {
        final transient McpSchema.InputRequiredResult result;

        AskFirst(McpSchema.InputRequiredResult result) {
            super("input required", null, false, false);
            this.result = result;
        }
    }

    private final GatewayConfirmations confirmations;
    private final McpRequestContext ctx;
    private final McpSchema.CallToolRequest request;

    GatewayModernConfirmation(GatewayConfirmations confirmations, McpRequestContext ctx,
            McpSchema.CallToolRequest request) {
        this.confirmations = confirmations;
        this.ctx = ctx;
        this.request = request;
    }

    @Override
    public String confirm(Connector connector, String tool, String argumentsJson, ApprovalRequiredException e) {
        McpSchema.ClientCapabilities capabilities = ctx.clientCapabilities();
        if (capabilities == null || !capabilities.supportsElicitationForm()) {
            return confirmations.cannotAsk(connector, tool, e);
        }
        if ((STATE + e.argumentsHash()).equals(request.requestState())) {
            McpSchema.ElicitResult answer = InputResponses.get(request.inputResponses(), KEY,
                    McpSchema.ElicitResult.class, JSON);
            if (answer != null) {
                return confirmations.answered(tool, answer.action() == McpSchema.ElicitResult.Action.ACCEPT,
                        answer.content());
            }
        }
        // first round, or an answer for other arguments or without the state: ask (again) for these arguments
        throw new AskFirst(McpSchema.InputRequiredResult.builder()
                .elicit(KEY, McpSchema.ElicitFormRequest.builder(confirmations.question(e, argumentsJson),
                        confirmations.schema(connector, tool)).build())
                .requestState(STATE + e.argumentsHash())
                .build());
    }
}
