package org.connectorconsole.gateway;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connection.MemberConnectorsPath;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.conversation.ApprovalRequiredException;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.conversation.ToolCall;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRuntime;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.conversation.ToolRefusedException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.security.Member;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

/**
 * One tool call through the gateway, for either transport (decision 0034): the gateway name's connector, the
 * owners' rate limits, then the console's own {@link ToolCallRuntime} — so every rule the tool runner enforces holds
 * here by the same code, with the member's own upstream sign-in, and the call is kept and audited with the client's
 * name. The call's end becomes an MCP tool result; a connection that needs the member says what to do about it.
 */
@Component
class GatewayToolCalls {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private final ToolCallRuntime runtime;
    private final ConnectionService connections;
    private final GatewayRateLimits limits;
    private final GatewayConnectorKeys keys;
    private final PublicAddress address;

    GatewayToolCalls(ToolCallRuntime runtime, ConnectionService connections, GatewayRateLimits limits,
            GatewayConnectorKeys keys, PublicAddress address) {
        this.runtime = runtime;
        this.connections = connections;
        this.limits = limits;
        this.keys = keys;
        this.address = address;
    }

    /** A request refused before any call (unknown tool, rate limit): a JSON-RPC error with this code. */
    static final class Refusal extends RuntimeException {
        final int code;
        final Object data;

        Refusal(int code, String message, Object data) {
            super(message);
            this.code = code;
            this.data = data;
        }
    }

    /**
     * One tool call through the gateway, for either transport: finds the connector by the gateway name's key,
     * applies the owners' rate limits, and runs the call through {@link ToolCallRuntime} (asking for confirmation
     * through {@code confirmer} when the tool needs it), waiting for its end.
     *
     * @throws Refusal the tool is unknown, or a rate limit refuses the call (nothing was recorded or sent)
     */
    McpSchema.CallToolResult call(GatewayRequest request, String clientName, String name,
            Map<String, Object> arguments, Consumer<McpToolSession.Progress> progress,
            GatewayConfirmations.Confirmer confirmer, Consumer<RunningCall> onStart) {
        Member member = request.member();
        GatewayToolNames.Parts parts = GatewayToolNames.parse(name).orElse(null);
        Connector connector = parts == null ? null : keys.connectorByKey(member, parts.connectorKey());
        if (connector == null) {
            throw new Refusal(-32602, "Unknown tool: " + DisplayNames.clean(String.valueOf(name))
                    + ". List the tools again.", null);
        }
        OffsetDateTime window = limits.window();
        String refusal = limits.take(request.settings(), member, connector.id(), connector.name(), clientName,
                window);
        if (refusal != null) {
            throw new Refusal(-32029, refusal, Map.of("reason", "rate_limited"));
        }
        String argumentsJson;
        try {
            argumentsJson = JSON.writeValueAsString(arguments == null ? Map.of() : arguments);
        } catch (IOException e) {
            return error("The arguments could not be read.");
        }
        // a tool that needs approval refuses the first round; the member's confirmation lets the second through
        String confirmed = null;
        for (int round = 0; round < 2; round++) {
            ToolCall toolCall = new ToolCall(request.endpoint().conversation(), connector, parts.tool(), argumentsJson,
                    confirmed, clientName);
            try {
                return run(request, toolCall, progress, onStart);
            } catch (ApprovalRequiredException e) {
                if (confirmed != null) {
                    return error(e.getMessage());
                }
                String answer;
                try {
                    answer = confirmer.confirm(connector, parts.tool(), argumentsJson, e);
                } catch (RuntimeException asked) {
                    // the round ends with a question (2026-07-28) or fails before anything was sent: not a call
                    limits.giveBack(request.settings(), member, connector.id(), window);
                    throw asked;
                }
                if (answer != null) {
                    return error(answer);
                }
                confirmed = e.argumentsHash();
            } catch (ToolRefusedException | ValidationException | AccessDeniedException | NotFoundException e) {
                return error(e.getMessage());
            }
        }
        return error("The call could not be confirmed.");
    }

    /**
     * Starts the call and waits for its end (the runtime's own timeouts end it first; this bound only guards
     * against a call that never finishes). An interrupted or abandoned wait cancels the call.
     */
    private McpSchema.CallToolResult run(GatewayRequest request, ToolCall call,
            Consumer<McpToolSession.Progress> progress, Consumer<RunningCall> onStart) {
        CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
        RunningCall started = runtime.start(request.member(), call, new ToolCallListener() {
            @Override
            public void progress(McpToolSession.Progress p) {
                progress.accept(p);
            }

            @Override
            public void finished(ToolCallEntry entry) {
                done.complete(entry);
            }
        });
        onStart.accept(started);
        try {
            ToolCallEntry entry = done.get(runtime.callTimeout().multipliedBy(4).plusMinutes(5).toMillis(),
                    TimeUnit.MILLISECONDS);
            return result(request, entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.cancel();
            return error("The call was interrupted.");
        } catch (ExecutionException | TimeoutException e) {
            started.cancel();
            return error("The console stopped waiting for the call.");
        }
    }

    private McpSchema.CallToolResult result(GatewayRequest request, ToolCallEntry entry) {
        if (entry.status() == ToolCallStatus.SUCCEEDED || entry.status() == ToolCallStatus.TOOL_ERROR) {
            return outcome(entry.result(), entry.status() == ToolCallStatus.TOOL_ERROR, entry.message());
        }
        String message = entry.message() == null ? "The call ended: " + entry.status().label() + "."
                : entry.message();
        MemberConnector.State state = entry.connectorId() == null ? null : connections.listFor(request.member())
                .stream().filter(c -> c.id().equals(entry.connectorId())).map(MemberConnector::state).findFirst()
                .orElse(null);
        return error(message + stateAdvice(entry.connectorName(), state));
    }

    /**
     * The connector's state in the words every page uses (decision 0045), and what to do about it: " Notes: Reconnect
     * needed. Reconnect it in the console: …/settings/connectors (Reconnect), then call the tool again."
     */
    String stateAdvice(String connectorName, MemberConnector.State state) {
        if (state != MemberConnector.State.NEEDS_REAUTH && state != MemberConnector.State.NOT_CONNECTED
                && state != MemberConnector.State.FAILING) {
            return "";
        }
        String action = state == MemberConnector.State.NOT_CONNECTED ? "Connect" : "Reconnect";
        String advice = " " + connectorName + ": " + state.label() + ".";
        if (state == MemberConnector.State.FAILING) {
            return advice + " If it keeps failing, " + action.toLowerCase(Locale.ROOT) + " it in the "
                    + "console (" + address.base() + "/" + MemberConnectorsPath.ROUTE + ") or tell an owner.";
        }
        return advice + " " + action + " it in the console: " + address.base() + "/" + MemberConnectorsPath.ROUTE
                + " (" + action + "), then call the tool again.";
    }

    /** The upstream result as the client gets it: its content parts, structured content, and the console's note. */
    private static McpSchema.CallToolResult outcome(ToolOutcome outcome, boolean isError, String note) {
        List<McpSchema.Content> content = new ArrayList<>();
        Object structured = null;
        if (outcome != null) {
            for (ToolOutcome.Part part : outcome.content()) {
                content.add(content(part));
            }
            if (outcome.structuredJson() != null) {
                try {
                    structured = JSON.readValue(outcome.structuredJson(), Object.class);
                } catch (IOException | RuntimeException e) {
                    structured = null;
                }
            }
        }
        if (note != null && !note.isBlank()) {
            content.add(new McpSchema.TextContent(note));
        }
        return new McpSchema.CallToolResult(content, isError, structured, null);
    }

    /** Text and images as such; any other part is kept as the JSON it came as (as text, should it not read). */
    private static McpSchema.Content content(ToolOutcome.Part part) {
        return switch (part.kind()) {
            case "text" -> new McpSchema.TextContent(part.text());
            case "image" -> new McpSchema.ImageContent(null, part.data(), part.mimeType());
            default -> {
                try {
                    yield JSON.readValue(part.text(), McpSchema.Content.class);
                } catch (IOException | RuntimeException e) {
                    yield new McpSchema.TextContent(part.text());
                }
            }
        };
    }

    static McpSchema.CallToolResult error(String message) {
        return new McpSchema.CallToolResult(List.of(new McpSchema.TextContent(message)), true, null, null);
    }
}
