package org.connectorconsole.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.connectorconsole.egress.EgressClient;

/**
 * An MCP conversation with one server, through the egress client, for listing and calling tools. Opening it
 * negotiates the revision ({@link #open}): {@code server/discover} (2026-07-28) first, the {@code initialize}
 * handshake (2025-11-25) where the server does not know it, and the legacy HTTP+SSE transport when the connector's
 * check found only that. {@link #close()} ends it. {@link #cancel()} may be called from another thread: it tells the
 * server the call in progress is cancelled, the way its revision says ({@code notifications/cancelled} in
 * 2025-11-25, closing the request's stream in 2026-07-28), then ends the session. A call the console stops waiting
 * for (timeout) is cancelled at the server the same way.
 */
public abstract sealed class McpToolSession implements AutoCloseable permits ClassicSession, ModernSession {

    public static final int MAX_TOOL_PAGES = 50;
    public static final int MAX_TOOLS = 2000;
    static final String CLIENT_NAME = "connector-console";
    static final String CLIENT_VERSION = "0.1";

    /** A progress notification for the call in progress: {@code total} and {@code message} may be null. */
    public record Progress(double progress, Double total, String message) {
    }

    /**
     * The tools a listing found; {@code truncated} when bounds cut it short. {@code ttl} is how long the server says
     * the list stays valid (its {@code ttlMs}), or null when it said nothing (or zero).
     */
    public record ToolListing(List<ToolInfo> tools, boolean truncated, Duration ttl) {

        public ToolListing {
            tools = List.copyOf(tools);
        }

        public ToolListing(List<ToolInfo> tools, boolean truncated) {
            this(tools, truncated, null);
        }
    }

    final Duration listTimeout;
    private volatile String listingKey;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Runnable onEnd = () -> { };

    McpToolSession(Duration listTimeout) {
        this.listTimeout = listTimeout;
    }

    /**
     * Opens a session. {@code timeout} bounds connecting, negotiating and listing; {@code callTimeout} bounds each
     * tool call. A 401 or 403 comes back as {@link McpAuthorizationException}; a server that speaks no revision the
     * console does as {@link UnsupportedRevisionException}.
     */
    public static McpToolSession open(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            Duration callTimeout, String bearerToken) throws McpProbeException {
        return open(egress, url, kind, timeout, callTimeout, bearerToken, SessionOptions.NONE);
    }

    /**
     * As {@link #open(EgressClient, URI, TransportKind, Duration, Duration, String)}, with {@code options}. Over
     * Streamable HTTP, the revision this server was last reached with is tried first (2026-07-28 for a server not
     * seen yet); when the server answers that it does not speak it, the other one is tried, and the one that worked
     * is remembered (decision 0027).
     */
    public static McpToolSession open(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            Duration callTimeout, String bearerToken, SessionOptions options) throws McpProbeException {
        // a session that answers the server's requests (elicitation) listens on its own GET stream too: a server may
        // send them there rather than on the call's stream (the conformance suite's elicitation scenarios do); plain
        // listing and calling sessions do not hold that stream open (decision 0061)
        boolean listening = options.forms() != null || options.urls() != null;
        McpToolSession session = negotiate(egress, url, kind, timeout, callTimeout, bearerToken, options, listening);
        session.listingKey = ToolListCache.key(url, bearerToken);
        return session;
    }

    private static McpToolSession negotiate(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            Duration callTimeout, String bearerToken, SessionOptions options, boolean listening)
            throws McpProbeException {
        if (kind == TransportKind.SSE) {
            try {
                return ClassicSession.open(egress, url, kind, timeout, callTimeout, bearerToken, options, false,
                        listening);
            } catch (NotSpoken e) {
                throw new IllegalStateException("not negotiating", e);
            }
        }
        ProtocolRevision first = KnownRevisions.get(url);
        if (first == null) {
            first = ProtocolRevision.DISCOVER;
        }
        NotSpoken firstRefusal;
        try {
            McpToolSession session = openWith(first, egress, url, timeout, callTimeout, bearerToken, options,
                    listening);
            KnownRevisions.remember(url, first);
            return session;
        } catch (NotSpoken e) {
            firstRefusal = e;
        }
        ProtocolRevision second = first.other();
        try {
            McpToolSession session = openWith(second, egress, url, timeout, callTimeout, bearerToken, options,
                    listening);
            KnownRevisions.remember(url, second);
            return session;
        } catch (NotSpoken e) {
            KnownRevisions.forget(url);
            throw first == ProtocolRevision.DISCOVER ? UnsupportedRevisionException.of(firstRefusal, e)
                    : UnsupportedRevisionException.of(e, firstRefusal);
        }
    }

    private static McpToolSession openWith(ProtocolRevision revision, EgressClient egress, URI url, Duration timeout,
            Duration callTimeout, String bearerToken, SessionOptions options, boolean listening)
            throws McpProbeException, NotSpoken {
        return switch (revision) {
            case DISCOVER -> ModernSession.open(egress, url, timeout, callTimeout, bearerToken, options);
            case INITIALIZE -> ClassicSession.open(egress, url, TransportKind.STREAMABLE_HTTP, timeout, callTimeout,
                    bearerToken, options, true, listening);
        };
    }

    /** How this session was opened. */
    public abstract ProtocolRevision revision();

    /** The protocol version agreed on ("2026-07-28", or what the initialize handshake settled). */
    public abstract String protocolVersion();

    public abstract String serverName();

    public abstract String serverVersion();

    /** The icon sources of the server's {@code serverInfo} (unchecked; empty when it published none). */
    public abstract java.util.List<String> serverIcons();

    abstract boolean offersTools();

    abstract ToolListing listAll() throws McpProbeException;

    /**
     * Every tool, one page per request, following {@code nextCursor} within bounds: at most {@link #MAX_TOOL_PAGES}
     * pages and {@link #MAX_TOOLS} tools, and within three times the session's timeout overall (a server that pages
     * forever, slowly, must not hold the caller). Empty when the server offers no tools.
     */
    public ToolListing listTools() throws McpProbeException {
        if (!offersTools()) {
            return new ToolListing(List.of(), false);
        }
        ToolListing kept = listingKey == null ? null : ToolListCache.fresh(listingKey);
        if (kept != null) {
            listed(kept);
            return kept;
        }
        return listToolsFresh();
    }

    /**
     * As {@link #listTools()}, always asking the server (the doctor and a member's check want the answer of now); a
     * listing the server gives a time to live ({@code ttlMs}) is kept that long for later sessions with the same
     * credentials (decision 0028).
     */
    ToolListing listToolsFresh() throws McpProbeException {
        if (!offersTools()) {
            return new ToolListing(List.of(), false);
        }
        ToolListing listing = listAll();
        if (listingKey != null) {
            ToolListCache.keep(listingKey, listing);
        }
        listed(listing);
        return listing;
    }

    /** Sees every listing this session hands out (cached or fresh). */
    void listed(ToolListing listing) {
    }

    /** Forgets every kept listing of the server at {@code url}: its tool list changed. */
    public static void forgetToolLists(URI url) {
        ToolListCache.forget(url);
    }

    /**
     * Subscribes to the tool list changes of the server at {@code url}, when it offers them ({@code listChanged} in
     * its tools capability): a {@code subscriptions/listen} stream in 2026-07-28, or a session kept open to receive
     * {@code notifications/tools/list_changed} in 2025-11-25. Null when the server offers none. The watch forgets the
     * server's kept listings on every change, before telling {@code listener}. One open HTTP stream per watch: the
     * caller bounds how many it keeps.
     */
    public static ToolWatch watchTools(EgressClient egress, URI url, TransportKind kind, Duration timeout,
            String bearerToken, ToolWatch.Listener listener) throws McpProbeException {
        ToolWatch.Listener forgetting = new ToolWatch.Listener() {
            @Override
            public void toolsChanged() {
                ToolListCache.forget(url);
                listener.toolsChanged();
            }

            @Override
            public void ended(Throwable cause) {
                listener.ended(cause);
            }
        };
        McpToolSession session = negotiate(egress, url, kind, timeout, timeout, bearerToken, SessionOptions.NONE,
                true);
        ToolWatch watch = session.watch(forgetting);
        if (watch == null) {
            session.close();
        }
        return watch;
    }

    /** A watch on this session's server, or null when it announces no tool list changes. */
    abstract ToolWatch watch(ToolWatch.Listener listener);

    /**
     * Calls a tool, reporting the server's progress notifications to {@code onProgress}. A call the server answers
     * with {@code isError} is a result, not an exception; a JSON-RPC error, a timeout, a lost connection or a
     * cancellation is a {@link ToolCallException}.
     */
    public abstract ToolOutcome call(String name, Map<String, Object> arguments, Consumer<Progress> onProgress)
            throws McpProbeException;

    /** What a server lists besides tools, for the gateway to pass through (decision 0065). */
    public enum Listing { RESOURCES, RESOURCE_TEMPLATES, PROMPTS }

    /**
     * One page of the server's resources, resource templates or prompts, as the JSON of the MCP result (the shape is
     * the same in both revisions); an empty page when the server does not offer them.
     */
    public abstract String list(Listing what, String cursor) throws McpProbeException;

    /** {@code resources/read} of one resource, as the JSON of the MCP result. */
    public abstract String readResource(String uri) throws McpProbeException;

    /** {@code prompts/get}, as the JSON of the MCP result. */
    public abstract String getPrompt(String name, Map<String, String> arguments) throws McpProbeException;

    /**
     * {@code completion/complete} for an argument of one of the server's prompts ({@code prompt} true: {@code name}
     * is the prompt's) or resource templates (its URI template), as the JSON of the MCP result; no values when the
     * server does not offer completions.
     */
    public abstract String complete(boolean prompt, String name, String argument, String value,
            Map<String, String> context) throws McpProbeException;

    static final String NO_COMPLETION = "{\"completion\":{\"values\":[]}}";

    /** One page of a tool listing, as a session read it; {@code ttlMs} is the page's time to live, if it has one. */
    record ToolPage(List<ToolInfo> tools, String nextCursor, Long ttlMs) {
    }

    /** Asks for the page of tools at {@code cursor} (null: the first). */
    @FunctionalInterface
    interface ToolPageRequest {
        ToolPage fetch(String cursor) throws IOException;
    }

    /**
     * Every tool, one page per request, within the bounds of {@link #listTools()}. The listing's time to live is
     * the shortest of its pages' (none when a page has none).
     */
    final ToolListing listPages(ToolPageRequest request) throws McpProbeException {
        try {
            Pages pages = new Pages(listTimeout);
            Long ttlMs = null;
            String cursor = null;
            do {
                ToolPage page = request.fetch(cursor);
                page.tools().forEach(pages::add);
                long pageTtl = page.ttlMs() == null ? 0 : page.ttlMs();
                ttlMs = ttlMs == null ? pageTtl : Math.min(ttlMs, pageTtl);
                cursor = page.nextCursor();
            } while (pages.next(cursor));
            return pages.listing(cursor, ttlMs == null || ttlMs <= 0 ? null : Duration.ofMillis(ttlMs));
        } catch (RuntimeException | IOException e) {
            throw failure(e, listTimeout);
        }
    }

    /** What a session asks the server for, to be answered as JSON ({@link #json}). */
    @FunctionalInterface
    interface Request {
        Object send();
    }

    /** The JSON of the server's answer to {@code request}; a failure as {@link #failure} describes it. */
    final String json(Request request) throws McpProbeException {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(request.send());
        } catch (RuntimeException | IOException e) {
            throw failure(e, listTimeout);
        }
    }

    /** A page of {@code what}: the server's answer when it offers {@code what}, an empty page otherwise. */
    final String page(Listing what, boolean offersPrompts, boolean offersResources, Request request)
            throws McpProbeException {
        boolean offered = what == Listing.PROMPTS ? offersPrompts : offersResources;
        return offered ? json(request) : emptyPage(what);
    }

    static String emptyPage(Listing what) {
        return switch (what) {
            case RESOURCES -> "{\"resources\":[]}";
            case RESOURCE_TEMPLATES -> "{\"resourceTemplates\":[]}";
            case PROMPTS -> "{\"prompts\":[]}";
        };
    }

    /** Runs {@code action} once when the session ends (closed or cancelled). */
    public McpToolSession whenClosed(Runnable action) {
        this.onEnd = action;
        return this;
    }

    /** Ends the call in progress, if any (any thread, without waiting), and the session. */
    public abstract void cancel();

    @Override
    public abstract void close();

    final void ended() {
        if (ended.compareAndSet(false, true)) {
            onEnd.run();
        }
    }

    static ToolCallException cancelledCall(Throwable cause) {
        return new ToolCallException(ToolCallException.Kind.CANCELLED, "The call was cancelled.", cause);
    }

    /**
     * What a call that failed otherwise than by cancellation or timeout throws: the server's refusal of the
     * member's authorization; the server's JSON-RPC error (an {@code errorType} among the causes); any other
     * failure, described.
     */
    final McpProbeException callFailure(Throwable e, Class<? extends Exception> errorType) {
        McpAuthorizationException refused = McpAuthorizationException.from(e);
        if (refused != null) {
            return refused;
        }
        Exception error = causeOf(e, errorType);
        if (error != null) {
            return new ToolCallException(ToolCallException.Kind.SERVER_ERROR, "The server returned an error: "
                    + error.getMessage(), e);
        }
        return new ToolCallException(ToolCallException.Kind.FAILED, McpProbe.describe(e, listTimeout), e);
    }

    ToolCallException timedOut(Throwable cause) {
        return new ToolCallException(ToolCallException.Kind.TIMED_OUT, "The tool did not answer within the time "
                + "allowed; the console stopped waiting. The server may still finish the work.", cause);
    }

    static McpProbeException failure(Throwable e, Duration timeout) {
        McpAuthorizationException refused = McpAuthorizationException.from(e);
        if (refused != null) {
            return refused;
        }
        return new McpProbeException(McpProbe.describe(e, timeout), e);
    }

    static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return causeOf(e, type) != null;
    }

    static <T extends Throwable> T causeOf(Throwable e, Class<T> type) {
        Throwable t = e;
        while (t != null) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            t = t.getCause();
        }
        return null;
    }

    /** The bounds of one listing, page by page. */
    static final class Pages {
        private final List<ToolInfo> tools = new ArrayList<>();
        private final long deadline;
        private boolean truncated;
        private int pages;

        Pages(Duration timeout) {
            this.deadline = System.nanoTime() + timeout.multipliedBy(3).toNanos();
        }

        void add(ToolInfo tool) {
            if (tools.size() >= MAX_TOOLS) {
                truncated = true;
            } else {
                tools.add(tool);
            }
        }

        /** Whether to ask for the page after this one. */
        boolean next(String cursor) {
            pages++;
            return cursor != null && !cursor.isEmpty() && !truncated && pages < MAX_TOOL_PAGES
                    && System.nanoTime() < deadline;
        }

        ToolListing listing(String cursor, Duration ttl) {
            return new ToolListing(tools, truncated || (cursor != null && !cursor.isEmpty()), ttl);
        }
    }
}
