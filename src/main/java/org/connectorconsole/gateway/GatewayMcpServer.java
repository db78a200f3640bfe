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
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connection.MemberConnectorsPath;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.connector.ToolDefinition;
import org.connectorconsole.conversation.ApprovalRequiredException;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ConversationTool;
import org.connectorconsole.conversation.RunningCall;
import org.connectorconsole.conversation.ToolBoard;
import org.connectorconsole.conversation.ToolCall;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRuntime;
import org.connectorconsole.conversation.ToolCallStatus;
import org.connectorconsole.conversation.ToolRefusedException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The gateway's MCP server (the SDK's server side over Streamable HTTP). Its sessions answer {@code tools/list}
 * with the tools of the connectors the endpoint's member may use, and {@code tools/call} through the console's own
 * {@link ToolCallRuntime}: every rule the console's tool runner enforces holds here by the same code, with the
 * member's own upstream sign-in, and the call is kept and audited with the client's name. Everything a handler
 * needs comes from the request being served (the credential and membership the security filter checked just now),
 * never from the session, so a session holds no authority of its own.
 */
@Component
class GatewayMcpServer implements SmartLifecycle {

    static final String REQUEST = "gateway";
    private static final Logger log = LoggerFactory.getLogger(GatewayMcpServer.class);
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final Map<String, Object> EMPTY_OBJECT_SCHEMA = Map.of("type", "object");
    private static final int MAX_CLIENT_NAME = 200;

    private final ConversationService conversations;
    private final ToolCallRuntime runtime;
    private final ConnectorDirectory connectors;
    private final ToolCatalog catalog;
    private final ConnectionService connections;
    private final GatewayRateLimits limits;
    private final GatewayPassThrough passThrough;
    private final PublicAddress address;
    private final HttpServletStreamableServerTransportProvider transport;
    private final GatewayServlet servlet;
    /** Calls running for this instance's sessions, by session and JSON-RPC id (for notifications/cancelled). */
    private final Map<String, RunningCall> running = new ConcurrentHashMap<>();
    private final Map<String, McpStreamableServerSession> sessions = new ConcurrentHashMap<>();

    GatewayMcpServer(ConversationService conversations, ToolCallRuntime runtime, ConnectorDirectory connectors,
            ToolCatalog catalog, ConnectionService connections, GatewayRateLimits limits, PublicAddress address,
            GatewayPassThrough passThrough) {
        this.passThrough = passThrough;
        this.conversations = conversations;
        this.runtime = runtime;
        this.connectors = connectors;
        this.catalog = catalog;
        this.connections = connections;
        this.limits = limits;
        this.address = address;
        this.transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("")
                .maxRequestSize(GatewayServlet.MAX_BODY)
                .keepAliveInterval(Duration.ofSeconds(30))
                .sessionSweepInterval(Duration.ofMinutes(10))
                .contextExtractor(request -> {
                    Map<String, Object> context = new HashMap<>();
                    context.put(REQUEST, request.getAttribute(GatewayRequest.ATTRIBUTE));
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

    /** This instance's open sessions (for list-changed notifications). */
    Map<String, McpStreamableServerSession> sessions() {
        return sessions;
    }

    private McpStreamableServerSession.McpStreamableServerSessionInit startSession(McpSchema.InitializeRequest init) {
        String version = GatewayServlet.VERSIONS.contains(init.protocolVersion()) ? init.protocolVersion()
                : ProtocolVersions.MCP_2025_11_25;
        Map<String, McpRequestHandler<?>> requests = new HashMap<>();
        requests.put("ping", (exchange, params) -> Mono.just(Map.of()));
        requests.put("tools/list", (exchange, params) -> Mono.fromCallable(() -> listTools(exchange)));
        requests.put("tools/call", (exchange, params) -> Mono.fromCallable(() -> callTool(exchange, params)));
        requests.put("resources/list", (exchange, params) -> Mono.fromCallable(() -> passThrough.list(
                request(exchange), McpToolSession.Listing.RESOURCES)));
        requests.put("resources/templates/list", (exchange, params) -> Mono.fromCallable(() -> passThrough.list(
                request(exchange), McpToolSession.Listing.RESOURCE_TEMPLATES)));
        requests.put("prompts/list", (exchange, params) -> Mono.fromCallable(() -> passThrough.list(
                request(exchange), McpToolSession.Listing.PROMPTS)));
        requests.put("resources/read", (exchange, params) -> Mono.fromCallable(() -> readResource(exchange, params)));
        requests.put("prompts/get", (exchange, params) -> Mono.fromCallable(() -> getPrompt(exchange, params)));
        Map<String, McpNotificationHandler> notifications = new HashMap<>();
        notifications.put("notifications/initialized", (exchange, params) -> Mono.empty());
        notifications.put("notifications/cancelled", (exchange, params) -> Mono.fromRunnable(() ->
                cancelled(exchange, params)));
        String id = UUID.randomUUID().toString();
        McpStreamableServerSession session = new McpStreamableServerSession(id, init.capabilities(),
                init.clientInfo(), Duration.ofMinutes(10), requests, notifications,
                () -> Mono.fromRunnable(() -> sessions.remove(id)));
        sessions.put(id, session);
        McpSchema.InitializeResult result = new McpSchema.InitializeResult(version,
                new McpSchema.ServerCapabilities(null, null, null,
                        new McpSchema.ServerCapabilities.PromptCapabilities(false),
                        new McpSchema.ServerCapabilities.ResourceCapabilities(false, false),
                        new McpSchema.ServerCapabilities.ToolCapabilities(true)),
                new McpSchema.Implementation("connector-console-gateway", "Connector Console", "1.0"),
                "The tools of your organization's connectors that you may use, each named <connector>__<tool>. "
                        + "Calls run with your own sign-in to each connector and follow your owners' rules.");
        return new McpStreamableServerSession.McpStreamableServerSessionInit(session, Mono.just(result));
    }

    // ------------------------------------------------------------------ resources and prompts (decision 0065)

    private Map<String, Object> readResource(McpAsyncServerExchange exchange, Object params) {
        GatewayRequest request = request(exchange);
        McpSchema.ReadResourceRequest read = JSON.convertValue(params,
                new TypeRef<McpSchema.ReadResourceRequest>() { });
        try {
            return passThrough.readResource(request, clientName(exchange.getClientInfo(), request), read.uri());
        } catch (GatewayPassThrough.Unknown e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), null));
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
            return passThrough.getPrompt(request, clientName(exchange.getClientInfo(), request), get.name(),
                    arguments);
        } catch (GatewayPassThrough.Unknown e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), null));
        }
    }

    // ------------------------------------------------------------------ tools/list

    private McpSchema.ListToolsResult listTools(McpAsyncServerExchange exchange) {
        GatewayRequest request = request(exchange);
        List<McpSchema.Tool> tools = offered(request).values().stream().map(Offered::tool).toList();
        watched.put(exchange.sessionId(), new Watch(request, stamp(request)));
        return new McpSchema.ListToolsResult(tools, null);
    }

    // ------------------------------------------------------------------ notifications/tools/list_changed

    /** A session that listed tools: who for, and what its tool set depended on then. */
    private record Watch(GatewayRequest request, String stamp) {
    }

    private final Map<String, Watch> watched = new ConcurrentHashMap<>();

    /**
     * What a member's tool set on an endpoint depends on, from the database only (no server is asked): the
     * member's connections and their states, the conversation's switches, the connectors in scope, and each of
     * their tools' policy and pinned and held definitions. When it changes, the tool set may have.
     */
    String stamp(GatewayRequest request) {
        Member member = request.member();
        StringBuilder out = new StringBuilder();
        Set<ConnectorId> scope = request.endpoint().conversation() == null ? null
                : conversations.switchedOn(member, request.endpoint().conversation());
        org.connectorconsole.connector.MemberTools standing = conversations.standing(member);
        for (MemberConnector c : connections.listFor(member)) {
            if (scope != null && !scope.contains(c.id())) {
                continue;
            }
            out.append(c.id()).append('=').append(c.state()).append(';');
            catalog.known(member.orgId(), c.id()).values().stream()
                    .sorted(java.util.Comparator.comparing(ConnectorTool::name))
                    .forEach(t -> out.append(t.name()).append(':')
                            .append(standing.mode(c.id(), t.name()).mode()).append(':')
                            .append(t.approved() == null ? "" : t.approved().fingerprint()).append(':')
                            .append(t.pending() == null ? "" : t.pending().fingerprint()).append(','));
        }
        if (scope != null) {
            scope.stream().map(ConnectorId::toString).sorted().forEach(id -> out.append("on:").append(id));
        }
        return org.connectorconsole.base.Tokens.sha256Hex(out.toString());
    }

    /**
     * Tells clients whose tool set changed since they last listed it (a connection made or ended, an owner's
     * decision, a switch in the conversation), on their session's listening stream. Sessions of this instance only;
     * a client on another instance is told by that one.
     */
    @org.springframework.scheduling.annotation.Scheduled(
            fixedDelayString = "${console.gateway.list-changed-check:PT15S}",
            initialDelayString = "${console.gateway.list-changed-check:PT15S}")
    void notifyChangedToolSets() {
        watched.keySet().removeIf(id -> !sessions.containsKey(id));
        for (Map.Entry<String, Watch> e : watched.entrySet()) {
            McpStreamableServerSession session = sessions.get(e.getKey());
            if (session == null || !session.hasListeningStream()) {
                continue;
            }
            Watch watch = e.getValue();
            String now;
            try {
                now = stamp(watch.request());
            } catch (RuntimeException failed) {
                // the member left, the conversation is gone: the next request is refused; nothing to tell
                watched.remove(e.getKey());
                continue;
            }
            if (!now.equals(watch.stamp())) {
                watched.put(e.getKey(), new Watch(watch.request(), now));
                session.sendNotification(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED, null)
                        .subscribe(v -> { }, failed -> log.debug("list_changed not delivered", failed));
            }
        }
    }

    /** One tool offered: its gateway definition, and the connector and tool name it stands for. */
    record Offered(McpSchema.Tool tool, ConnectorId connectorId, String toolName) {
    }

    /**
     * The tools offered on this endpoint now, by gateway name: the runnable tools of the connectors in scope (a
     * blocked tool, or one held for an owner's review, is not offered), and the pinned tools of a connector whose
     * connection needs a new sign-in (a call then says so, with the Reconnect link).
     */
    Map<String, Offered> offered(GatewayRequest request) {
        Member member = request.member();
        Map<ConnectorId, String> keys = connectors.keys(member.orgId());
        Map<String, Offered> out = new LinkedHashMap<>();
        ToolBoard board = conversations.toolsFor(member, request.endpoint().conversation());
        for (ConversationTool t : board.tools()) {
            String key = keys.get(t.connectorId());
            if (key == null || !t.runnable()) {
                continue;
            }
            GatewayToolNames.of(key, t.name()).ifPresent(name -> out.put(name, new Offered(tool(name, t.connectorName(),
                    t.label(), t.description(), t.inputSchemaJson(), t.needsApproval()), t.connectorId(), t.name())));
        }
        List<MemberConnector> signIn = needingSignIn(request);
        org.connectorconsole.connector.MemberTools standing = signIn.isEmpty() ? null
                : conversations.standing(member);
        for (MemberConnector c : signIn) {
            String key = keys.get(c.id());
            if (key == null) {
                continue;
            }
            for (ConnectorTool known : catalog.known(member.orgId(), c.id()).values()) {
                ToolDefinition pinned = known.approved();
                org.connectorconsole.connector.EffectiveMode mode = standing.mode(c.id(), known.name());
                if (pinned == null || known.refusal(pinned) != null || !mode.usable()) {
                    continue;
                }
                GatewayToolNames.of(key, known.name()).ifPresent(name -> out.putIfAbsent(name, new Offered(tool(name,
                        c.name(), pinned.title() == null || pinned.title().isBlank() ? pinned.name() : pinned.title(),
                        pinned.description(), pinned.inputSchemaJson(), mode.needsApproval()),
                        c.id(), known.name())));
            }
        }
        return out;
    }

    private List<MemberConnector> needingSignIn(GatewayRequest request) {
        Member member = request.member();
        Set<ConnectorId> scope = request.endpoint().conversation() == null ? null
                : conversations.switchedOn(member, request.endpoint().conversation());
        return connections.listFor(member).stream()
                .filter(c -> c.state() == MemberConnector.State.NEEDS_REAUTH)
                .filter(c -> scope == null || scope.contains(c.id()))
                .toList();
    }

    private static McpSchema.Tool tool(String name, String connectorName, String label, String description,
            String inputSchemaJson, boolean needsApproval) {
        String text = description == null ? "" : description;
        if (needsApproval) {
            text = (text.isEmpty() ? "" : text + "\n\n") + "An owner asks you to confirm each call of this tool.";
        }
        return new McpSchema.Tool(name, connectorName + ": " + label, text.isEmpty() ? null : text,
                schema(inputSchemaJson), null, null, Map.of("connectorConsole/connector", connectorName));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema(String json) {
        if (json == null || json.isBlank()) {
            return EMPTY_OBJECT_SCHEMA;
        }
        try {
            return JSON.readValue(json, Map.class);
        } catch (IOException | RuntimeException e) {
            return EMPTY_OBJECT_SCHEMA;
        }
    }

    // ------------------------------------------------------------------ tools/call

    private McpSchema.CallToolResult callTool(McpAsyncServerExchange exchange, Object params) {
        GatewayRequest request = request(exchange);
        McpSchema.CallToolRequest call = JSON.convertValue(params, new TypeRef<McpSchema.CallToolRequest>() { });
        Object progressToken = call.meta() == null ? null : call.meta().get("progressToken");
        Object messageId = exchange.transportContext().get(GatewayServlet.MESSAGE_ID);
        String key = exchange.sessionId() + " " + messageId;
        try {
            return call(request, clientName(exchange.getClientInfo(), request), call.name(), call.arguments(),
                    progress -> {
                        if (progressToken != null) {
                            exchange.progressNotification(new McpSchema.ProgressNotification(progressToken,
                                    progress.progress(), progress.total(), progress.message(), null))
                                    .subscribe(v -> { }, e -> log.debug("Progress not delivered", e));
                        }
                    },
                    (connector, tool, argumentsJson, e) -> confirm(exchange, connector, tool, argumentsJson, e),
                    started -> {
                        if (messageId != null) {
                            running.put(key, started);
                        }
                    });
        } catch (Refusal e) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(e.code, e.getMessage(), e.data));
        } finally {
            running.remove(key);
        }
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

    /** How a transport asks the member to confirm a call: null when confirmed, else the tool error to answer. */
    interface Confirmer {
        String confirm(Connector connector, String tool, String argumentsJson, ApprovalRequiredException e);
    }

    /**
     * One tool call through the gateway, for either transport: finds the connector by the gateway name's key,
     * applies the owners' rate limits, and runs the call through {@link ToolCallRuntime} (asking for confirmation
     * through {@code confirmer} when the tool needs it), waiting for its end.
     *
     * @throws Refusal the tool is unknown, or a rate limit refuses the call (nothing was recorded or sent)
     */
    McpSchema.CallToolResult call(GatewayRequest request, String clientName, String name,
            Map<String, Object> arguments, java.util.function.Consumer<McpToolSession.Progress> progress,
            Confirmer confirmer, java.util.function.Consumer<RunningCall> onStart) {
        Member member = request.member();
        GatewayToolNames.Parts parts = GatewayToolNames.parse(name).orElse(null);
        Connector connector = parts == null ? null : connectorByKey(member, parts.connectorKey());
        if (connector == null) {
            throw new Refusal(-32602, "Unknown tool: " + DisplayNames.clean(String.valueOf(name))
                    + ". List the tools again.", null);
        }
        String refusal = limits.take(request.settings(), member, connector.id(), connector.name(), clientName);
        if (refusal != null) {
            throw new Refusal(-32029, refusal, Map.of("reason", "rate_limited"));
        }
        String argumentsJson;
        try {
            argumentsJson = JSON.writeValueAsString(arguments == null ? Map.of() : arguments);
        } catch (IOException e) {
            return error("The arguments could not be read.");
        }
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
                String answer = confirmer.confirm(connector, parts.tool(), argumentsJson, e);
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
     * Connector ids by key, per organization, as last read. A connector's key is fixed when it is added, so an entry
     * never names another connector than it did; a key not found, or whose connector is gone (a key of a removed
     * connector may be given to a new one), is read again from the database.
     */
    private final Map<org.connectorconsole.base.OrganizationId, Map<String, ConnectorId>> keysByOrg =
            new ConcurrentHashMap<>();
    private static final int MAX_ORGS_KEPT = 10_000;

    private Connector connectorByKey(Member member, String key) {
        Map<String, ConnectorId> keys = keysByOrg.get(member.orgId());
        ConnectorId id = keys == null ? null : keys.get(key);
        Connector found = id == null ? null : connectors.find(member.orgId(), id)
                .map(ConnectorDirectory.Target::connector).orElse(null);
        if (found != null) {
            return found;
        }
        Map<String, ConnectorId> fresh = new HashMap<>();
        connectors.keys(member.orgId()).forEach((connectorId, k) -> fresh.put(k, connectorId));
        if (keysByOrg.size() >= MAX_ORGS_KEPT) {
            keysByOrg.clear();
        }
        keysByOrg.put(member.orgId(), Map.copyOf(fresh));
        ConnectorId freshId = fresh.get(key);
        return freshId == null || freshId.equals(id) ? null : connectors.find(member.orgId(), freshId)
                .map(ConnectorDirectory.Target::connector).orElse(null);
    }

    /** The tool error for a client that cannot ask the member (no MCP elicitation): where to run it instead. */
    String cannotAsk(Connector connector, String tool, ApprovalRequiredException e) {
        return e.getMessage() + " Your assistant cannot ask you here (it does not support MCP elicitation), so "
                + "nothing was called. Run " + tool + " of " + connector.name() + " from a conversation in the "
                + "console, where you confirm the arguments: " + address.base() + "/conversations";
    }

    /**
     * Asks the member to confirm a call of a tool that needs it: by MCP elicitation where the client offers it
     * (null: confirmed), otherwise the tool error that says where to run it instead.
     */
    private String confirm(McpAsyncServerExchange exchange, Connector connector, String tool, String argumentsJson,
            ApprovalRequiredException e) {
        McpSchema.ClientCapabilities capabilities = exchange.getClientCapabilities();
        boolean form = capabilities != null && capabilities.elicitation() != null
                && (capabilities.elicitation().form() != null || capabilities.elicitation().url() == null);
        if (!form) {
            return cannotAsk(connector, tool, e);
        }
        Map<String, Object> schema = Map.of("type", "object",
                "properties", Map.of("confirm", Map.of("type", "boolean", "title", "Run " + tool + " of "
                        + connector.name() + " with these arguments")),
                "required", List.of("confirm"));
        McpSchema.ElicitResult answer;
        try {
            answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(e.getMessage() + " Arguments: "
                    + cut(argumentsJson, 2000), schema).build()).block(Duration.ofMinutes(10));
        } catch (RuntimeException failed) {
            return e.getMessage() + " Asking you for confirmation failed, so nothing was called.";
        }
        if (answer == null || answer.action() != McpSchema.ElicitResult.Action.ACCEPT || answer.content() == null
                || !Boolean.TRUE.equals(answer.content().get("confirm"))) {
            return "You did not confirm the call of " + tool + ", so nothing was called.";
        }
        return null;
    }

    private McpSchema.CallToolResult run(GatewayRequest request, ToolCall call,
            java.util.function.Consumer<McpToolSession.Progress> progress,
            java.util.function.Consumer<RunningCall> onStart) {
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
            return advice + " If it keeps failing, " + action.toLowerCase(java.util.Locale.ROOT) + " it in the "
                    + "console (" + address.base() + "/" + MemberConnectorsPath.ROUTE + ") or tell an owner.";
        }
        return advice + " " + action + " it in the console: " + address.base() + "/" + MemberConnectorsPath.ROUTE
                + " (" + action + "), then call the tool again.";
    }

    private static McpSchema.CallToolResult outcome(ToolOutcome outcome, boolean isError, String note) {
        List<McpSchema.Content> content = new ArrayList<>();
        Object structured = null;
        if (outcome != null) {
            for (ToolOutcome.Part part : outcome.content()) {
                switch (part.kind()) {
                    case "text" -> content.add(new McpSchema.TextContent(part.text()));
                    case "image" -> content.add(new McpSchema.ImageContent(null, part.data(), part.mimeType()));
                    default -> {
                        try {
                            content.add(JSON.readValue(part.text(), McpSchema.Content.class));
                        } catch (IOException | RuntimeException e) {
                            content.add(new McpSchema.TextContent(part.text()));
                        }
                    }
                }
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

    static McpSchema.CallToolResult error(String message) {
        return new McpSchema.CallToolResult(List.of(new McpSchema.TextContent(message)), true, null, null);
    }

    // ------------------------------------------------------------------ cancellation

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

    // ------------------------------------------------------------------ helpers

    static GatewayRequest request(McpAsyncServerExchange exchange) {
        if (exchange.transportContext().get(REQUEST) instanceof GatewayRequest request) {
            return request;
        }
        throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(-32600, "Not signed in.", null));
    }

    /** The client as it introduced itself (name and version), and the credential it holds. */
    static String clientName(McpSchema.Implementation info, GatewayRequest request) {
        return clientName(info == null ? null : info.name(), info == null ? null : info.version(), request);
    }

    static String clientName(String clientName, String version, GatewayRequest request) {
        String introduced = clientName == null ? "unknown client" : DisplayNames.clean(clientName
                + (version == null ? "" : " " + version));
        String name = introduced + " (" + request.caller().clientName() + ")";
        return name.length() > MAX_CLIENT_NAME ? name.substring(0, MAX_CLIENT_NAME) : name;
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) + "…" : text;
    }

    private volatile boolean started;

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
                List.copyOf(sessions.values()).forEach(session -> session.closeGracefully().block(Duration.ofSeconds(5)));
            }
        } catch (RuntimeException e) {
            log.debug("Closing the gateway's sessions did not finish", e);
        }
    }

    private volatile boolean closing;

    /** Published before the lifecycle stops when the context really closes (not when it is only stopped). */
    @org.springframework.context.event.EventListener
    void closing(org.springframework.context.event.ContextClosedEvent event) {
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
