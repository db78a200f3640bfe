package org.connectorconsole.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.TraceContext;
import reactor.core.publisher.Mono;

/**
 * A session opened with the {@code initialize} handshake (2025-11-25 and earlier), over Streamable HTTP or the
 * legacy HTTP+SSE transport, with the MCP SDK's classic client. {@link #cancel()} sends
 * {@code notifications/cancelled} naming the call in progress (the SDK has no call for it, so the session sends it
 * on the transport itself, with the id the SDK gave the {@code tools/call} request, seen as it was sent), then
 * closes the session.
 */
final class ClassicSession extends McpToolSession {

    /** How long telling the server about a cancellation may take before the session is closed anyway. */
    private static final Duration CANCEL_NOTICE_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern STATUS = Pattern.compile("[Ss]tatus code:? ?(\\d{3})");
    private static final Pattern SUPPORTED = Pattern.compile("\"supported\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern FROM_SERVER = Pattern.compile("from the server: (\\S+)");

    private final McpSyncClient client;
    private final CallTracking transport;
    private final McpSchema.InitializeResult init;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Consumer<Progress> progressListener = p -> { };

    /** Whether a call carries the trace context in its {@code _meta} (console.egress.send-trace-context). */
    private boolean sendTraceContext;

    private ClassicSession(McpSyncClient client, CallTracking transport, McpSchema.InitializeResult init,
            Duration listTimeout) {
        super(listTimeout);
        this.client = client;
        this.transport = transport;
        this.init = init;
    }

    /**
     * Opens and initializes a session. When {@code negotiating}, an answer saying the server does not speak this
     * revision comes back as {@link NotSpoken}; otherwise as a {@link McpProbeException}.
     */
    static ClassicSession open(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            Duration callTimeout, String bearerToken, SessionOptions options, boolean negotiating, boolean listening)
            throws McpProbeException, NotSpoken {
        CallTracking transport = new CallTracking(transport(egress, url, kind, bearerToken, listening));
        // a list change announced to any session: listings kept for this server are stale
        transport.onToolsChanged = () -> ToolListCache.forget(url);
        ClassicSession[] self = new ClassicSession[1];
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .requestTimeout(callTimeout.compareTo(timeout) > 0 ? callTimeout : timeout)
                .initializationTimeout(timeout)
                .clientInfo(new McpSchema.Implementation(CLIENT_NAME, CLIENT_VERSION))
                .progressConsumer(p -> {
                    ClassicSession session = self[0];
                    if (session != null) {
                        session.progressListener.accept(new Progress(p.progress(), p.total(), p.message()));
                    }
                });
        if (options.forms() != null) {
            FormAnswerer forms = options.forms();
            spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation(true, options.urls() != null)
                            .build())
                    .elicitation(request -> answer(forms.answer(request.message(), request.requestedSchema())));
            if (options.urls() != null) {
                UrlAnswerer urls = options.urls();
                spec.urlElicitation(request -> answer(urls.answer(request.message(), request.url())));
            }
        }
        McpSyncClient client = spec.build();
        McpSchema.InitializeResult init;
        try {
            init = client.initialize();
        } catch (RuntimeException e) {
            closeQuietly(client);
            NotSpoken refused = negotiating ? notSpoken(e) : null;
            if (refused != null) {
                throw refused;
            }
            throw failure(e, timeout);
        }
        ClassicSession session = new ClassicSession(client, transport, init, timeout);
        session.sendTraceContext = egress.settings().sendTraceContext();
        self[0] = session;
        return session;
    }

    private static McpSchema.ElicitResult answer(FormAnswerer.Answer answer) {
        return switch (answer.action()) {
            case ACCEPT -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, answer.content());
            case DECLINE -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
            case CANCEL -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.CANCEL, null);
        };
    }

    /**
     * Whether the refused initialize says the server does not speak this revision: HTTP 400, 404 or 405; a JSON-RPC
     * error -32601 or -32022; or a protocol version the client does not know. Null for any other failure.
     */
    static NotSpoken notSpoken(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof McpError mcp && mcp.getJsonRpcError() != null) {
                int code = mcp.getJsonRpcError().code();
                String data = String.valueOf(mcp.getJsonRpcError().data());
                Matcher version = FROM_SERVER.matcher(data);
                if (code == -32602 && version.find()) {
                    return new NotSpoken("initialize was answered with protocol version " + version.group(1),
                            List.of(version.group(1)), error);
                }
                if (code == -32601 || code == -32022) {
                    return new NotSpoken("initialize was refused (JSON-RPC " + code + ")", supported(data), error);
                }
                return null;
            }
            if (t instanceof McpTransportException && t.getMessage() != null) {
                Matcher status = STATUS.matcher(t.getMessage());
                if (status.find() && List.of("400", "404", "405").contains(status.group(1))) {
                    return new NotSpoken("initialize was answered with HTTP " + status.group(1),
                            supported(t.getMessage()), error);
                }
                return null;
            }
        }
        return null;
    }

    private static List<String> supported(String text) {
        Matcher m = SUPPORTED.matcher(text == null ? "" : text);
        if (!m.find()) {
            return List.of();
        }
        List<String> versions = new ArrayList<>();
        for (String v : m.group(1).split(",")) {
            String version = v.strip().replace("\"", "");
            if (!version.isEmpty()) {
                versions.add(version);
            }
        }
        return versions;
    }

    @Override
    public ProtocolRevision revision() {
        return ProtocolRevision.INITIALIZE;
    }

    @Override
    public String protocolVersion() {
        return init.protocolVersion();
    }

    @Override
    public String serverName() {
        return init.serverInfo() == null ? null : init.serverInfo().name();
    }

    @Override
    public String serverVersion() {
        return init.serverInfo() == null ? null : init.serverInfo().version();
    }

    @Override
    public java.util.List<String> serverIcons() {
        return init.serverInfo() == null ? java.util.List.of() : ToolInfo.sources(init.serverInfo().icons());
    }

    @Override
    boolean offersTools() {
        return init.capabilities() != null && init.capabilities().tools() != null;
    }

    /**
     * Every tool, one page per request (the SDK's {@code listTools()} without a cursor follows {@code nextCursor}
     * itself, without any bound), within the bounds of {@link McpToolSession#listTools()}.
     */
    @Override
    ToolListing listAll() throws McpProbeException {
        return listPages(cursor -> {
            McpSchema.ListToolsResult page = client.listTools(cursor);
            List<ToolInfo> tools = new ArrayList<>();
            for (McpSchema.Tool tool : page.tools()) {
                tools.add(ToolInfo.listed(tool.name(), tool.title(), tool.description(), tool.inputSchema(),
                        ToolInfo.sources(tool.icons()),
                        tool.annotations() == null ? null : tool.annotations().readOnlyHint()));
            }
            return new ToolPage(tools, page.nextCursor(), null);
        });
    }

    @Override
    public String list(Listing what, String cursor) throws McpProbeException {
        McpSchema.ServerCapabilities caps = init.capabilities();
        return page(what, caps != null && caps.prompts() != null, caps != null && caps.resources() != null,
                () -> switch (what) {
                    case RESOURCES -> client.listResources(cursor);
                    case RESOURCE_TEMPLATES -> client.listResourceTemplates(cursor);
                    case PROMPTS -> client.listPrompts(cursor);
                });
    }

    @Override
    public String readResource(String uri) throws McpProbeException {
        return json(() -> client.readResource(new McpSchema.ReadResourceRequest(uri)));
    }

    @Override
    public String getPrompt(String name, Map<String, String> arguments) throws McpProbeException {
        return json(() -> client.getPrompt(new McpSchema.GetPromptRequest(
                name, arguments == null ? Map.of() : new java.util.HashMap<String, Object>(arguments))));
    }

    @Override
    public String complete(boolean prompt, String name, String argument, String value, Map<String, String> context)
            throws McpProbeException {
        if (init.capabilities() == null || init.capabilities().completions() == null) {
            return NO_COMPLETION;
        }
        McpSchema.CompleteReference ref = prompt ? new McpSchema.PromptReference(name)
                : new McpSchema.ResourceReference(name);
        return json(() -> client.completeCompletion(
                new McpSchema.CompleteRequest(ref, new McpSchema.CompleteRequest.CompleteArgument(argument, value),
                        context == null ? null : new McpSchema.CompleteRequest.CompleteContext(context))));
    }

    @Override
    public ToolOutcome call(String name, Map<String, Object> arguments, Consumer<Progress> onProgress)
            throws McpProbeException {
        if (cancelled.get()) {
            // cancelled before anything was sent: send nothing (a cancel notice could not stop a request not yet out)
            throw cancelledCall(null);
        }
        progressListener = onProgress;
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder(name)
                .arguments(arguments)
                // the trace context in _meta as MCP carries it (SEP-414), when the operator asked for it
                .meta(sendTraceContext ? TraceContext.asMeta() : new java.util.HashMap<>())
                .progressToken(UUID.randomUUID().toString())
                .build();
        try {
            McpSchema.CallToolResult result = client.callTool(request);
            return ToolOutcome.of(result);
        } catch (RuntimeException e) {
            if (cancelled.get()) {
                throw cancelledCall(e);
            }
            if (causedBy(e, TimeoutException.class)) {
                tellServerCancelled("The client stopped waiting for the result (timeout).");
                throw timedOut(e);
            }
            throw callFailure(e, McpError.class);
        } finally {
            transport.callId = null;
        }
    }

    /**
     * Ends the call in progress, if any (any thread, without waiting): tells the server it is cancelled, then closes
     * the session (at once after the notice, or after {@link #CANCEL_NOTICE_TIMEOUT} at most).
     */
    @Override
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            // without waiting: the caller may be a page's UI thread, or the shutdown cancelling every call
            cancelNotice("Cancelled by the person who started it.")
                    .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                    .timeout(CANCEL_NOTICE_TIMEOUT)
                    .onErrorComplete()
                    .doFinally(signal -> {
                        try {
                            client.close();
                        } finally {
                            ended();
                        }
                    })
                    .subscribe();
        }
    }

    @Override
    public void close() {
        if (cancelled.get()) {
            return;
        }
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            client.close();
        } finally {
            ended();
        }
    }

    private static void closeQuietly(McpSyncClient client) {
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            client.close();
        }
    }

    /**
     * Sends {@code notifications/cancelled} for the call in progress, if any, so the server can stop its work.
     * Best effort and bounded: the session is closed afterwards whatever happens.
     */
    private void tellServerCancelled(String reason) {
        try {
            cancelNotice(reason).block(CANCEL_NOTICE_TIMEOUT);
        } catch (RuntimeException e) {
            // the server is gone or slow; closing the session is what remains
        }
    }

    /** Sending {@code notifications/cancelled} for the call in progress, when subscribed; nothing without one. */
    private Mono<Void> cancelNotice(String reason) {
        Object id = transport.callId;
        if (id == null) {
            return Mono.empty();
        }
        return Mono.defer(() -> transport.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                "notifications/cancelled", Map.of("requestId", id, "reason", reason))));
    }

    /**
     * {@code listening}: whether a Streamable HTTP session opens its own GET stream for the server's notifications
     * outside any request (a tool watch needs it; a session for listings and calls does not, and would hold one of
     * the egress client's connections to the server while it lives, decision 0061).
     */
    static McpClientTransport transport(EgressClient egress, URI url, TransportKind kind, String bearerToken,
            boolean listening) {
        String origin = url.getScheme() + "://" + url.getRawAuthority();
        // The member's token for this connector only, in the header (never in a query string).
        McpSyncHttpClientRequestCustomizer bearer = (builder, method, uri, body, context) -> {
            // only to the connector's own origin: an SSE endpoint event naming another host gets no token
            if (bearerToken != null && uri != null && origin.equalsIgnoreCase(uri.getScheme() + "://"
                    + uri.getRawAuthority())) {
                builder.setHeader("Authorization", "Bearer " + bearerToken);
            }
        };
        return switch (kind) {
            // The SDK's default endpoint (/mcp) would replace the URL's path: give it the full URL.
            // Through the egress client, resuming an event stream that ends before its answer (SEP-1699).
            case STREAMABLE_HTTP -> HttpClientStreamableHttpTransport.builder(origin)
                    .endpoint(url.toString())
                    .clientBuilder(egress.jdkClientBuilder(client -> new ResumingHttpClient(client, listening)))
                    .connectTimeout(egress.settings().connectTimeout())
                    .openConnectionOnStartup(false)
                    .httpRequestCustomizer(bearer)
                    .build();
            case SSE -> HttpClientSseClientTransport.builder(origin)
                    .sseEndpoint(url.toString())
                    .clientBuilder(egress.jdkClientBuilder())
                    .connectTimeout(egress.settings().connectTimeout())
                    .httpRequestCustomizer(bearer)
                    .build();
        };
    }

    @Override
    ToolWatch watch(ToolWatch.Listener listener) {
        if (init.capabilities() == null || init.capabilities().tools() == null
                || !Boolean.TRUE.equals(init.capabilities().tools().listChanged())) {
            return null;
        }
        Runnable forget = transport.onToolsChanged;
        transport.onToolsChanged = () -> {
            forget.run();
            listener.toolsChanged();
        };
        transport.onFailure = listener::ended;
        return new ToolWatch() {
            @Override
            public String how() {
                return "open session";
            }

            @Override
            public void close() {
                transport.onFailure = null;
                transport.onToolsChanged = forget;
                ClassicSession.this.close();
            }
        };
    }

    /**
     * The session's transport, remembering the id the SDK gives the {@code tools/call} request in flight, and
     * taking {@code notifications/tools/list_changed} for itself: the SDK would answer it by listing every page
     * without a bound; the console lists within its bounds when it needs to ({@link #onToolsChanged}).
     */
    private static final class CallTracking implements McpClientTransport {

        private final McpClientTransport delegate;
        volatile Object callId;
        volatile Runnable onToolsChanged = () -> { };
        volatile Consumer<Throwable> onFailure;

        CallTracking(McpClientTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
            return delegate.connect(in -> handler.apply(in.filter(message -> {
                if (message instanceof McpSchema.JSONRPCNotification n
                        && McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED.equals(n.method())) {
                    onToolsChanged.run();
                    return false;
                }
                return true;
            })));
        }

        @Override
        public void setExceptionHandler(Consumer<Throwable> handler) {
            delegate.setExceptionHandler(error -> {
                handler.accept(error);
                Consumer<Throwable> failed = onFailure;
                if (failed != null) {
                    failed.accept(error);
                }
            });
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            if (message instanceof McpSchema.JSONRPCRequest request
                    && McpSchema.METHOD_TOOLS_CALL.equals(request.method())) {
                callId = request.id();
            }
            return delegate.sendMessage(message);
        }

        @Override
        public void close() {
            delegate.close();
        }

        @Override
        public Mono<Void> closeGracefully() {
            return delegate.closeGracefully();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return delegate.unmarshalFrom(data, typeRef);
        }

        @Override
        public List<String> protocolVersions() {
            return delegate.protocolVersions();
        }
    }
}
