package org.connectorconsole.mcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import io.modelcontextprotocol.json.TypeRef;
import reactor.core.publisher.Mono;
import org.connectorconsole.egress.EgressClient;

/**
 * An open MCP session with one server, through the egress client, for listing and calling tools. Opening it
 * initializes the session; {@link #close()} ends it. {@link #cancel()} may be called from another thread: it tells
 * the server with {@code notifications/cancelled} naming the call in progress (as the MCP specification asks of a
 * client that gives up on a request), then closes the session. A call the console stops waiting for (timeout) is
 * cancelled at the server the same way. The MCP SDK 2.1.0 has no call for that notification, so the session sends
 * it on the transport itself, with the id the SDK gave the {@code tools/call} request (seen as it was sent).
 */
public final class McpToolSession implements AutoCloseable {

    /** A progress notification for the call in progress: {@code total} and {@code message} may be null. */
    public record Progress(double progress, Double total, String message) {
    }

    /** How long telling the server about a cancellation may take before the session is closed anyway. */
    private static final Duration CANCEL_NOTICE_TIMEOUT = Duration.ofSeconds(2);

    private final McpSyncClient client;
    private final CallTracking transport;
    private final Duration listTimeout;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Consumer<Progress> progressListener = p -> { };
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable onEnd = () -> { };

    private McpToolSession(McpSyncClient client, CallTracking transport, Duration listTimeout) {
        this.client = client;
        this.transport = transport;
        this.listTimeout = listTimeout;
    }

    /**
     * Opens and initializes a session. {@code timeout} bounds connecting, initializing and listing;
     * {@code callTimeout} bounds each tool call. A 401 or 403 comes back as {@link McpAuthorizationException}.
     */
    public static McpToolSession open(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            Duration callTimeout, String bearerToken) throws McpProbeException {
        CallTracking transport = new CallTracking(McpProbe.transport(egress, url, kind, timeout, bearerToken));
        McpToolSession[] self = new McpToolSession[1];
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(callTimeout.compareTo(timeout) > 0 ? callTimeout : timeout)
                .initializationTimeout(timeout)
                .clientInfo(new McpSchema.Implementation("connector-console", "0.1"))
                .progressConsumer(p -> {
                    McpToolSession session = self[0];
                    if (session != null) {
                        session.progressListener.accept(new Progress(p.progress(), p.total(), p.message()));
                    }
                })
                .build();
        McpToolSession session = new McpToolSession(client, transport, timeout);
        self[0] = session;
        try {
            client.initialize();
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw failure(e, timeout);
        }
    }

    /** Every tool, following {@code nextCursor} within the same bounds as the probe. */
    public ToolListing listTools() throws McpProbeException {
        try {
            if (client.getServerCapabilities() == null || client.getServerCapabilities().tools() == null) {
                return new ToolListing(List.of(), false);
            }
            return McpProbe.listTools(client, listTimeout);
        } catch (RuntimeException | java.io.IOException e) {
            throw failure(e, listTimeout);
        }
    }

    /** The tools a listing found; {@code truncated} when bounds cut it short. */
    public record ToolListing(List<ToolInfo> tools, boolean truncated) {
    }

    /**
     * Calls a tool, reporting the server's progress notifications to {@code onProgress}. A call the server answers
     * with {@code isError} is a result, not an exception; a JSON-RPC error, a timeout, a lost connection or a
     * cancellation is a {@link ToolCallException}.
     */
    public ToolOutcome call(String name, Map<String, Object> arguments, Consumer<Progress> onProgress)
            throws McpProbeException {
        progressListener = onProgress;
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder(name)
                .arguments(arguments)
                .progressToken(UUID.randomUUID().toString())
                .build();
        try {
            McpSchema.CallToolResult result = client.callTool(request);
            return ToolOutcome.of(result);
        } catch (RuntimeException e) {
            if (cancelled.get()) {
                throw new ToolCallException(ToolCallException.Kind.CANCELLED, "The call was cancelled.", e);
            }
            McpAuthorizationException refused = McpAuthorizationException.from(e);
            if (refused != null) {
                throw refused;
            }
            if (causedBy(e, TimeoutException.class)) {
                tellServerCancelled("The client stopped waiting for the result (timeout).");
                throw new ToolCallException(ToolCallException.Kind.TIMED_OUT, "The tool did not answer within the "
                        + "time allowed; the console stopped waiting. The server may still finish the work.", e);
            }
            McpError error = causeOf(e, McpError.class);
            if (error != null) {
                throw new ToolCallException(ToolCallException.Kind.SERVER_ERROR, "The server returned an error: "
                        + error.getMessage(), e);
            }
            throw new ToolCallException(ToolCallException.Kind.FAILED, McpProbe.describe(e, listTimeout), e);
        } finally {
            transport.callId = null;
        }
    }

    /** Runs {@code action} once when the session ends (closed or cancelled). */
    public McpToolSession whenClosed(Runnable action) {
        this.onEnd = action;
        return this;
    }

    /**
     * Ends the call in progress, if any (any thread, without waiting): tells the server it is cancelled, then closes
     * the session (at once after the notice, or after {@link #CANCEL_NOTICE_TIMEOUT} at most).
     */
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

    /** The session's transport, remembering the id the SDK gives the {@code tools/call} request in flight. */
    private static final class CallTracking implements McpClientTransport {

        private final McpClientTransport delegate;
        volatile Object callId;

        CallTracking(McpClientTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
            return delegate.connect(handler);
        }

        @Override
        public void setExceptionHandler(Consumer<Throwable> handler) {
            delegate.setExceptionHandler(handler);
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

    private void ended() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    private static McpProbeException failure(Throwable e, Duration timeout) {
        McpAuthorizationException refused = McpAuthorizationException.from(e);
        if (refused != null) {
            return refused;
        }
        return new McpProbeException(McpProbe.describe(e, timeout), e);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return causeOf(e, type) != null;
    }

    private static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        Throwable t = e;
        while (t != null) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause();
        }
        return null;
    }
}
