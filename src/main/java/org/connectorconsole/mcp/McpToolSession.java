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
import org.connectorconsole.egress.EgressClient;

/**
 * An open MCP session with one server, through the egress client, for listing and calling tools. Opening it
 * initializes the session; {@link #close()} ends it. {@link #cancel()} may be called from another thread: it
 * closes the transport, which ends a call in progress (the SDK 2.1.0 offers no way to send
 * {@code notifications/cancelled} for a request it is waiting on; closing the session is what remains).
 */
public final class McpToolSession implements AutoCloseable {

    /** A progress notification for the call in progress: {@code total} and {@code message} may be null. */
    public record Progress(double progress, Double total, String message) {
    }

    private final McpSyncClient client;
    private final Duration listTimeout;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Consumer<Progress> progressListener = p -> { };
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable onEnd = () -> { };

    private McpToolSession(McpSyncClient client, Duration listTimeout) {
        this.client = client;
        this.listTimeout = listTimeout;
    }

    /**
     * Opens and initializes a session. {@code timeout} bounds connecting, initializing and listing;
     * {@code callTimeout} bounds each tool call. A 401 or 403 comes back as {@link McpAuthorizationException}.
     */
    public static McpToolSession open(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            Duration callTimeout, String bearerToken) throws McpProbeException {
        McpClientTransport transport = McpProbe.transport(egress, url, kind, timeout, bearerToken);
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
        McpToolSession session = new McpToolSession(client, timeout);
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
                throw new ToolCallException(ToolCallException.Kind.TIMED_OUT, "The tool did not answer within the "
                        + "time allowed; the console stopped waiting. The server may still finish the work.", e);
            }
            McpError error = causeOf(e, McpError.class);
            if (error != null) {
                throw new ToolCallException(ToolCallException.Kind.SERVER_ERROR, "The server returned an error: "
                        + error.getMessage(), e);
            }
            throw new ToolCallException(ToolCallException.Kind.FAILED, McpProbe.describe(e, listTimeout), e);
        }
    }

    /** Runs {@code action} once when the session ends (closed or cancelled). */
    public McpToolSession whenClosed(Runnable action) {
        this.onEnd = action;
        return this;
    }

    /** Ends the call in progress, if any, by closing the session (any thread). */
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            try {
                client.close();
            } finally {
                ended();
            }
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
