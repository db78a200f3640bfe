package org.connectorconsole.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.modern.McpException;
import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpAsyncClient;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpInputHandlerMissingException;
import io.modelcontextprotocol.modern.client.McpTimeoutException;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpStatusException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.TraceContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A conversation in revision 2026-07-28, with the MCP SDK's {@code modern} client: no handshake and no session;
 * {@code server/discover} when it opens, then every request carries the protocol version and client information
 * in its {@code _meta}, with {@code Mcp-Method} and {@code Mcp-Name} headers. A request that needs the person's
 * input comes back as an {@code input_required} result and is retried with the answers (multi-round-trip).
 * Closing a request's stream cancels it: {@link #cancel()} and a timeout do exactly that.
 */
final class ModernSession extends McpToolSession {

    /** Extra time on top of the SDK's own round timeout before a blocked caller gives up anyway. */
    private static final Duration BACKSTOP = Duration.ofSeconds(2);

    private final McpAsyncClient client;
    private final McpSchema.DiscoverResult discovered;
    private final Duration callTimeout;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile CompletableFuture<?> inFlight;
    /** The definitions this session handed out, by name: a call names its tool's (for the headers it mirrors). */
    private volatile Map<String, ToolInfo> known = Map.of();

    /** Whether a call carries the trace context in its {@code _meta} (console.egress.send-trace-context). */
    private boolean sendTraceContext;

    private ModernSession(McpAsyncClient client, McpSchema.DiscoverResult discovered, Duration listTimeout,
            Duration callTimeout) {
        super(listTimeout);
        this.client = client;
        this.discovered = discovered;
        this.callTimeout = callTimeout;
    }

    /**
     * Asks the server what it speaks ({@code server/discover}). An answer saying it does not speak 2026-07-28 comes
     * back as {@link NotSpoken}; a 401 or 403 as {@link McpAuthorizationException}.
     */
    static ModernSession open(EgressClient egress, URI url, Duration timeout, Duration callTimeout,
            String bearerToken, SessionOptions options) throws McpProbeException, NotSpoken {
        HttpClientMcpTransport.Builder transport = HttpClientMcpTransport.builder(url)
                .clientBuilder(egress.jdkClientBuilder())
                .connectTimeout(egress.settings().connectTimeout());
        if (bearerToken != null) {
            // every request goes to the connector's own URL: the token never reaches another origin
            transport.requestCustomizer((request, headers, context) -> Mono.fromRunnable(
                    () -> headers.set("Authorization", "Bearer " + bearerToken)));
        }
        McpClient.AsyncBuilder builder = McpClient.async(transport.build())
                .clientInfo(new McpSchema.Implementation(CLIENT_NAME, null, CLIENT_VERSION, null, null, null))
                .roundTimeout(timeout)
                .maxListPages(MAX_TOOL_PAGES);
        if (options.forms() != null) {
            FormAnswerer forms = options.forms();
            builder.formElicitation(request -> Mono.fromCallable(
                            () -> answer(forms.answer(request.message(), request.requestedSchema())))
                    .subscribeOn(Schedulers.boundedElastic()));
            if (options.urls() != null) {
                UrlAnswerer urls = options.urls();
                builder.urlElicitation(request -> Mono.fromCallable(
                                () -> answer(urls.answer(request.message(), request.url())))
                        .subscribeOn(Schedulers.boundedElastic()));
            }
        }
        McpAsyncClient client = builder.build();
        McpSchema.DiscoverResult discovered;
        try {
            discovered = client.discover().block(timeout.plus(BACKSTOP));
        } catch (RuntimeException e) {
            NotSpoken refused = notSpoken(e);
            if (refused != null) {
                throw refused;
            }
            throw failure(e, timeout);
        }
        if (discovered == null || !discovered.supportedVersions().contains(ProtocolRevision.MODERN)) {
            List<String> versions = discovered == null ? List.of() : discovered.supportedVersions();
            throw new NotSpoken(versions.isEmpty() ? "server/discover was answered without supported versions"
                    : "server/discover named " + String.join(", ", versions), versions, null);
        }
        ModernSession session = new ModernSession(client, discovered, timeout, callTimeout);
        session.sendTraceContext = egress.settings().sendTraceContext();
        return session;
    }

    private static McpSchema.ElicitResult answer(FormAnswerer.Answer answer) {
        return switch (answer.action()) {
            // URL mode: accepted without content
            case ACCEPT -> answer.content() == null
                    ? new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, null)
                    : McpSchema.ElicitResult.accept(answer.content());
            case DECLINE -> McpSchema.ElicitResult.decline();
            case CANCEL -> McpSchema.ElicitResult.cancel();
        };
    }

    /**
     * Whether a refused {@code server/discover} says the server does not speak 2026-07-28: HTTP 400, 404 or 405;
     * JSON-RPC -32601 (method not found), -32600 or -32000 (how servers of 2025-11-25 refuse a request outside a
     * session: the SDK hands over a JSON-RPC error without its HTTP status), or -32022 (unsupported protocol
     * version, naming none the console speaks: the SDK retries by itself when one is named). Null for any other
     * failure (a server that understood the request: -32602, -32603, -32020, -32021).
     */
    static NotSpoken notSpoken(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof McpHttpStatusException status) {
                int code = status.statusCode();
                return code == 400 || code == 404 || code == 405
                        ? new NotSpoken("server/discover was answered with HTTP " + code, List.of(), error) : null;
            }
            if (t instanceof McpException mcp && mcp.error() != null) {
                int code = mcp.error().code();
                if (code == -32601 || code == -32600 || code == -32000) {
                    // -32601 method not found; -32600 invalid request and -32000 (the TypeScript SDK's "Bad
                    // Request: Server not initialized", "Unsupported protocol version"): a 2025-11-25 server
                    // refusing a request outside a session
                    return new NotSpoken("server/discover was refused (JSON-RPC " + code + ": " + mcp.getMessage()
                            + ")", List.of(), error);
                }
                if (code == -32022) {
                    return new NotSpoken("server/discover was refused as an unsupported protocol version",
                            supported(mcp.error().data()), error);
                }
                return null;
            }
        }
        return null;
    }

    private static List<String> supported(Object data) {
        if (data instanceof Map<?, ?> map && map.get("supported") instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    @Override
    public ProtocolRevision revision() {
        return ProtocolRevision.DISCOVER;
    }

    @Override
    public String protocolVersion() {
        return ProtocolRevision.MODERN;
    }

    @Override
    public String serverName() {
        return serverInfo("name");
    }

    @Override
    public String serverVersion() {
        return serverInfo("version");
    }

    @Override
    public java.util.List<String> serverIcons() {
        if (discovered.meta() != null && discovered.meta().get(McpSchema.MetaKeys.SERVER_INFO) instanceof Map<?, ?> m) {
            return ToolInfo.sourcesOfMaps(m.get("icons"));
        }
        return java.util.List.of();
    }

    private String serverInfo(String field) {
        if (discovered.meta() != null && discovered.meta().get(McpSchema.MetaKeys.SERVER_INFO) instanceof Map<?, ?> m
                && m.get(field) != null) {
            return String.valueOf(m.get(field));
        }
        return null;
    }

    @Override
    boolean offersTools() {
        return discovered.capabilities() != null && discovered.capabilities().tools() != null;
    }

    /**
     * Every tool, one page per request, within the bounds of {@link McpToolSession#listTools()}. The SDK leaves out
     * a tool whose {@code x-mcp-header} annotations are invalid (it could not be called correctly) and keeps the
     * valid ones' annotations for the headers it mirrors when that tool is called. The listing's time to live is
     * the shortest of its pages' {@code ttlMs}.
     */
    @Override
    ToolListing listAll() throws McpProbeException {
        return listPages(cursor -> {
            McpSchema.ListToolsResult page = client.tools().cursor(cursor).list().block(listTimeout.plus(BACKSTOP));
            List<ToolInfo> tools = new java.util.ArrayList<>();
            for (McpSchema.Tool tool : page.tools()) {
                tools.add(ToolInfo.listed(tool.name(), tool.title(), tool.description(), tool.inputSchema(),
                        ToolInfo.modernSources(tool.icons()),
                        tool.annotations() == null ? null : tool.annotations().readOnlyHint()));
            }
            return new ToolPage(tools, page.nextCursor(), page.ttlMs());
        });
    }

    @Override
    void listed(ToolListing listing) {
        Map<String, ToolInfo> byName = new java.util.LinkedHashMap<>();
        listing.tools().forEach(t -> byName.put(t.name(), t));
        known = byName;
    }

    @Override
    ToolWatch watch(ToolWatch.Listener listener) {
        var tools = discovered.capabilities() == null ? null : discovered.capabilities().tools();
        if (tools == null || !Boolean.TRUE.equals(tools.listChanged())) {
            return null;
        }
        AtomicBoolean over = new AtomicBoolean();
        reactor.core.Disposable stream = client.listen().toolsChanged().events().subscribe(event -> {
            if (event instanceof io.modelcontextprotocol.modern.client.SubscriptionEvent.ToolsListChanged) {
                listener.toolsChanged();
            }
        }, error -> {
            if (over.compareAndSet(false, true)) {
                listener.ended(error);
            }
        }, () -> {
            if (over.compareAndSet(false, true)) {
                listener.ended(null);
            }
        });
        return new ToolWatch() {
            @Override
            public String how() {
                return "subscriptions/listen";
            }

            @Override
            public void close() {
                over.set(true);
                stream.dispose();
                ModernSession.this.close();
            }
        };
    }

    /**
     * The tool as this session listed it (or found it kept), so that the SDK mirrors its {@code x-mcp-header}
     * parameters without listing again; by name alone otherwise (the SDK then lists to find them).
     */
    private McpAsyncClient.ToolSpec tool(String name) {
        ToolInfo info = known.get(name);
        if (info == null) {
            return client.tool(name);
        }
        Map<String, Object> schema;
        try {
            schema = McpJsonDefaults.getMapper().readValue(info.inputSchemaJson(),
                    new io.modelcontextprotocol.json.TypeRef<Map<String, Object>>() { });
        } catch (IOException | RuntimeException e) {
            return client.tool(name);
        }
        return client.tool(new McpSchema.Tool(info.name(), info.title(), info.description(), schema, null, null,
                null, null));
    }

    @Override
    public String list(Listing what, String cursor) throws McpProbeException {
        McpSchema.ServerCapabilities caps = discovered.capabilities();
        return page(what, caps != null && caps.prompts() != null, caps != null && caps.resources() != null,
                () -> switch (what) {
                    case RESOURCES -> client.resources().cursor(cursor).list().block(listTimeout.plus(BACKSTOP));
                    case RESOURCE_TEMPLATES -> client.resourceTemplates().cursor(cursor).list()
                            .block(listTimeout.plus(BACKSTOP));
                    case PROMPTS -> client.prompts().cursor(cursor).list().block(listTimeout.plus(BACKSTOP));
                });
    }

    @Override
    public String readResource(String uri) throws McpProbeException {
        return json(() -> client.resource(uri).read().block(listTimeout.plus(BACKSTOP)));
    }

    @Override
    public String getPrompt(String name, Map<String, String> arguments) throws McpProbeException {
        return json(() -> client.prompt(name).arguments(arguments == null ? Map.of() : arguments).get()
                .block(listTimeout.plus(BACKSTOP)));
    }

    @Override
    public String complete(boolean prompt, String name, String argument, String value, Map<String, String> context)
            throws McpProbeException {
        if (discovered.capabilities() == null || discovered.capabilities().completions() == null) {
            return NO_COMPLETION;
        }
        McpSchema.CompleteReference ref = prompt ? new McpSchema.PromptReference(name)
                : new McpSchema.ResourceReference(name);
        return json(() -> client.completion(ref, argument, value).context(context).complete()
                .block(listTimeout.plus(BACKSTOP)));
    }

    @Override
    public ToolOutcome call(String name, Map<String, Object> arguments, Consumer<Progress> onProgress)
            throws McpProbeException {
        if (cancelled.get()) {
            // cancelled before anything was sent: send nothing (a cancel notice could not stop a request not yet out)
            throw cancelledCall(null);
        }
        CompletableFuture<McpSchema.CallToolResult> call = tool(name)
                .arguments(arguments)
                // the trace context in _meta as MCP carries it (SEP-414), when the operator asked for it
                .meta(sendTraceContext ? TraceContext.asMeta() : new java.util.HashMap<>())
                .roundTimeout(callTimeout)
                .callTimeout(callTimeout)
                .progress(p -> Mono.fromRunnable(() -> onProgress.accept(new Progress(
                        p.progress() == null ? 0 : p.progress(), p.total(), p.message()))))
                .call()
                .toFuture();
        inFlight = call;
        if (cancelled.get()) {
            call.cancel(true);
        }
        try {
            return ToolOutcome.of(call.get());
        } catch (CancellationException e) {
            throw cancelledCall(e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw cancelledCall(e);
        } catch (ExecutionException wrapped) {
            Throwable e = wrapped.getCause() == null ? wrapped : wrapped.getCause();
            if (cancelled.get()) {
                throw cancelledCall(e);
            }
            if (causeOf(e, McpTimeoutException.class) != null) {
                // the SDK closed the request's stream when it gave up: in 2026-07-28 that is the cancellation
                throw timedOut(e);
            }
            if (causeOf(e, McpInputHandlerMissingException.class) != null) {
                throw new ToolCallException(ToolCallException.Kind.FAILED, "The tool asked for input, which the "
                        + "console cannot give yet.", e);
            }
            throw callFailure(e, McpException.class);
        } finally {
            inFlight = null;
        }
    }

    /** Closes the stream of the call in progress (any thread, without waiting): the server sees the cancellation. */
    @Override
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            CompletableFuture<?> call = inFlight;
            if (call != null) {
                call.cancel(true);
            }
            ended();
        }
    }

    @Override
    public void close() {
        CompletableFuture<?> call = inFlight;
        if (call != null) {
            call.cancel(true);
        }
        ended();
    }
}
