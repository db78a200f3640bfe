package org.connectorconsole.gateway;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.mcp.McpToolSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The gateway's MCP server for protocol 2025-11-25 and the versions before it (the SDK's server side over Streamable
 * HTTP, with sessions): it opens a session per {@code initialize}, answers its requests by the gateway's shared parts
 * ({@link GatewayToolListing}, {@link GatewayToolCalls}, {@link GatewayPassThrough}), cancels calls on
 * {@code notifications/cancelled}, and ends the sessions when the console stops. Everything a handler needs comes
 * from the request being served (the credential and membership the security filter checked just now), never from
 * the session, so a session holds no authority of its own. {@link GatewayModernServer} serves 2026-07-28.
 */
@Component
class GatewayMcpServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayMcpServer.class);
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private final GatewayToolListing listing;
    private final GatewayToolCalls calls;
    private final GatewayConfirmations confirmations;
    private final GatewayToolListChanges listChanges;
    private final GatewayPassThrough passThrough;
    private final GatewayCompletions completions;
    private final HttpServletStreamableServerTransportProvider transport;
    private final GatewayServlet servlet;
    /** Calls running for this instance's sessions, by session and JSON-RPC id (for notifications/cancelled). */
    private final Map<String, RunningCall> running = new ConcurrentHashMap<>();
    private final Map<String, McpStreamableServerSession> sessions = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean closing;

    GatewayMcpServer(GatewayToolListing listing, GatewayToolCalls calls, GatewayConfirmations confirmations,
            GatewayToolListChanges listChanges, GatewayPassThrough passThrough, GatewayCompletions completions) {
        this.completions = completions;
        this.listing = listing;
        this.calls = calls;
        this.confirmations = confirmations;
        this.listChanges = listChanges;
        this.passThrough = passThrough;
        this.transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("")
                .maxRequestSize(GatewayServlet.MAX_BODY)
                .keepAliveInterval(Duration.ofSeconds(30))
                .sessionSweepInterval(Duration.ofMinutes(10))
                .contextExtractor(request -> {
                    Map<String, Object> context = new HashMap<>();
                    context.put(GatewayRequest.CONTEXT_KEY, request.getAttribute(GatewayRequest.ATTRIBUTE));
                    Object id = request.getAttribute(GatewayServlet.MESSAGE_ID);
                    if (id != null) {
                        context.put(GatewayServlet.MESSAGE_ID, id);
                    }
                    return McpTransportContext.create(context);
                })
                .build();
        this.transport.setSessionFactory(this::startSession);
        this.servlet = new GatewayServlet(transport);
    }

    GatewayServlet servlet() {
        return servlet;
    }

    private McpStreamableServerSession.McpStreamableServerSessionInit startSession(McpSchema.InitializeRequest init) {
        String version = GatewayServlet.VERSIONS.contains(init.protocolVersion()) ? init.protocolVersion()
                : ProtocolVersions.MCP_2025_11_25;
        Map<String, McpRequestHandler<?>> requests = new HashMap<>();
        requests.put("ping", (exchange, params) -> Mono.just(Map.of()));
        requests.put("tools/list", (exchange, params) -> Mono.fromCallable(() -> listTools(exchange)));
        requests.put("tools/call", (exchange, params) -> Mono.fromCallable(() -> callTool(exchange, params)));
        requests.put("resources/list", (exchange, params) -> Mono.fromCallable(() -> list(exchange,
                McpToolSession.Listing.RESOURCES)));
        requests.put("resources/templates/list", (exchange, params) -> Mono.fromCallable(() -> list(exchange,
                McpToolSession.Listing.RESOURCE_TEMPLATES)));
        requests.put("prompts/list", (exchange, params) -> Mono.fromCallable(() -> list(exchange,
                McpToolSession.Listing.PROMPTS)));
        requests.put("resources/read", (exchange, params) -> Mono.fromCallable(() -> readResource(exchange, params)));
        requests.put("prompts/get", (exchange, params) -> Mono.fromCallable(() -> getPrompt(exchange, params)));
        requests.put("completion/complete", (exchange, params) -> Mono.fromCallable(() -> complete(exchange, params)));
        // accepted and checked, not applied: the gateway has no log messages to send (decision 0073)
        requests.put("logging/setLevel", (exchange, params) -> Mono.fromCallable(() -> setLevel(params)));
        Map<String, McpNotificationHandler> notifications = new HashMap<>();
        notifications.put("notifications/initialized", (exchange, params) -> Mono.empty());
        notifications.put("notifications/cancelled", (exchange, params) -> Mono.fromRunnable(() ->
                cancelled(exchange, params)));
        String id = UUID.randomUUID().toString();
        McpStreamableServerSession session = new McpStreamableServerSession(id, init.capabilities(),
                init.clientInfo(), Duration.ofMinutes(10), requests, notifications,
                () -> Mono.fromRunnable(() -> {
                    sessions.remove(id);
                    listChanges.forget(id);
                }));
        sessions.put(id, session);
        McpSchema.InitializeResult result = new McpSchema.InitializeResult(version,
                new McpSchema.ServerCapabilities(new McpSchema.ServerCapabilities.CompletionCapabilities(), null,
                        new McpSchema.ServerCapabilities.LoggingCapabilities(),
                        new McpSchema.ServerCapabilities.PromptCapabilities(true),
                        new McpSchema.ServerCapabilities.ResourceCapabilities(false, true),
                        new McpSchema.ServerCapabilities.ToolCapabilities(true)),
                new McpSchema.Implementation("connector-console-gateway", "Connector Console", "1.0"),
                GatewayToolListing.INSTRUCTIONS);
        return new McpStreamableServerSession.McpStreamableServerSessionInit(session, Mono.just(result));
    }

    private McpSchema.ListToolsResult listTools(McpAsyncServerExchange exchange) {
        GatewayRequest request = request(exchange);
        List<McpSchema.Tool> tools = listing.offered(request).values().stream()
                .map(GatewayToolListing.Offered::tool).toList();
        listChanges.watch(sessions.get(exchange.sessionId()), request);
        return new McpSchema.ListToolsResult(tools, null);
    }

    /** Resources, templates or prompts; the session is told when the connectors they come from change. */
    private Map<String, Object> list(McpAsyncServerExchange exchange, McpToolSession.Listing what) {
        GatewayRequest request = request(exchange);
        Map<String, Object> listed = passThrough.list(request, what);
        listChanges.watch(sessions.get(exchange.sessionId()), request, what == McpToolSession.Listing.PROMPTS
                ? GatewayToolListChanges.Kind.PROMPTS : GatewayToolListChanges.Kind.RESOURCES);
        return listed;
    }

    /** A call with progress back to the client (when it asked for it) and confirmation by elicitation. */
    private McpSchema.CallToolResult callTool(McpAsyncServerExchange exchange, Object params) {
        GatewayRequest request = request(exchange);
        McpSchema.CallToolRequest call = JSON.convertValue(params, new TypeRef<McpSchema.CallToolRequest>() { });
        Object progressToken = call.meta() == null ? null : call.meta().get("progressToken");
        Object messageId = exchange.transportContext().get(GatewayServlet.MESSAGE_ID);
        String key = exchange.sessionId() + " " + messageId;
        try {
            return calls.call(request, clientName(exchange, request), call.name(), call.arguments(),
                    progress -> {
                        if (progressToken != null) {
                            exchange.progressNotification(new McpSchema.ProgressNotification(progressToken,
                                    progress.progress(), progress.total(), progress.message(), null))
                                    .subscribe(v -> { }, e -> log.debug("Progress not delivered", e));
                        }
                    },
                    (connector, tool, argumentsJson, e) -> confirmations.byElicitation(exchange, connector, tool,
                            argumentsJson, e),
                    runningCall -> {
                        if (messageId != null) {
                            running.put(key, runningCall);
                        }
                    });
        } catch (GatewayToolCalls.Refusal e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), e.data));
        } finally {
            running.remove(key);
        }
    }

    private Map<String, Object> readResource(McpAsyncServerExchange exchange, Object params) {
        GatewayRequest request = request(exchange);
        McpSchema.ReadResourceRequest read = JSON.convertValue(params,
                new TypeRef<McpSchema.ReadResourceRequest>() { });
        try {
            return passThrough.readResource(request, clientName(exchange, request), read.uri());
        } catch (GatewayPassThrough.Unknown e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), e.data));
        }
    }

    private Map<String, Object> getPrompt(McpAsyncServerExchange exchange, Object params) {
        GatewayRequest request = request(exchange);
        McpSchema.GetPromptRequest get = JSON.convertValue(params, new TypeRef<McpSchema.GetPromptRequest>() { });
        Map<String, String> arguments = new LinkedHashMap<>();
        if (get.arguments() != null) {
            get.arguments().forEach((k, v) -> arguments.put(k, v == null ? null : String.valueOf(v)));
        }
        try {
            return passThrough.getPrompt(request, clientName(exchange, request), get.name(), arguments);
        } catch (GatewayPassThrough.Unknown e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), e.data));
        }
    }

    private Map<String, Object> complete(McpAsyncServerExchange exchange, Object params) {
        GatewayRequest request = request(exchange);
        try {
            return completions.complete(request, clientName(exchange, request), params);
        } catch (GatewayPassThrough.Unknown e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), e.data));
        }
    }

    private static Map<String, Object> setLevel(Object params) {
        Object level = params instanceof Map<?, ?> m ? m.get("level") : null;
        try {
            if (level instanceof String s && McpSchema.LoggingLevel.fromValue(s) != null) {
                return Map.of();
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(-32602, "Unknown log level: "
                + org.connectorconsole.base.DisplayNames.clean(String.valueOf(level)) + ". Use one of debug, info, "
                + "notice, warning, error, critical, alert, emergency.", null));
    }

    private void cancelled(McpAsyncServerExchange exchange, Object params) {
        if (!(params instanceof Map<?, ?> map) || map.get("requestId") == null) {
            return;
        }
        Object requestId = map.get("requestId");
        Object id = requestId instanceof Number n ? (Object) n.longValue() : requestId.toString();
        RunningCall call = running.get(exchange.sessionId() + " " + id);
        if (call != null) {
            call.cancel();
        }
    }

    private static GatewayRequest request(McpAsyncServerExchange exchange) {
        if (exchange.transportContext().get(GatewayRequest.CONTEXT_KEY) instanceof GatewayRequest request) {
            return request;
        }
        throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(-32600, "Not signed in.", null));
    }

    private static String clientName(McpAsyncServerExchange exchange, GatewayRequest request) {
        McpSchema.Implementation info = exchange.getClientInfo();
        return request.clientName(info == null ? null : info.name(), info == null ? null : info.version());
    }

    @Override
    public void start() {
        started = true;
    }

    /**
     * Before the web server's graceful shutdown (a higher phase stops first): the sessions' open streams end, so
     * the server does not wait for them, and a client reconnects to another instance.
     */
    @Override
    public void stop() {
        started = false;
        running.values().forEach(RunningCall::cancel);
        try {
            if (closing) {
                // the transport refuses every request from now on (503): clients go to another instance
                transport.closeGracefully().block(Duration.ofSeconds(5));
            } else {
                // stopped without closing (a paused context may start again): end the sessions, keep the transport
                List.copyOf(sessions.values())
                        .forEach(session -> session.closeGracefully().block(Duration.ofSeconds(5)));
            }
        } catch (RuntimeException e) {
            log.debug("Closing the gateway's sessions did not finish", e);
        }
    }

    /** Published before the lifecycle stops when the context really closes (not when it is only stopped). */
    @EventListener
    void closing(ContextClosedEvent event) {
        closing = true;
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
