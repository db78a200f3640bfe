package org.connectorconsole.conversation;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connection.ConnectorUnavailableException;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.SessionOptions;
import org.connectorconsole.mcp.ToolCallException;
import org.connectorconsole.mcp.ToolOutcome;
import org.connectorconsole.security.Member;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * MCP sessions for tool listings and tool calls through the member's own connection, at most
 * {@code console.tools.max-concurrent} in use at once on this instance, so a flood of calls cannot exhaust the
 * machine.
 *
 * <p>Tool calls {@linkplain #lease lease} a session: sessions are kept open between calls, per member and connector
 * (decision 0042), so a call does not pay for a new session (negotiation, and the session's end) each time. A kept
 * session is reused only while the connection's credentials are the ones it was opened with
 * ({@link ConnectionService#sessionCredentials}, checked on every lease: a renewed or ended token, a disconnected
 * connection, a connector turned off or moved, or a member without access any more closes it); an idle one expires
 * after {@code console.tools.pool.idle} (60 s), any after {@code console.tools.pool.max-life} (10 min); at most
 * {@code console.tools.pool.max-idle} (64) idle on the instance, {@code console.tools.pool.max-idle-per-connector}
 * (64) per connector (a kept session holds no connection to the server: it opens no notification stream, decision
 * 0061), {@value ToolCallRuntime#MAX_RUNNING_PER_MEMBER}
 * per member and connector. A session that failed, timed out or was cancelled is closed, never kept. The listing
 * for the pin check is kept with the session at most {@code console.tools.pin-listing-max-age} (5 s; 0: list
 * before every call), with its age.
 */
@Component
class ToolSessions implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ToolSessions.class);

    private final ConnectionService connections;
    private final Duration callTimeout;
    private final Semaphore slots;
    private final long idleNanos;
    private final long lifeNanos;
    private final int maxIdle;
    private final int maxIdlePerConnector;
    private volatile long listingMaxAgeNanos;
    private final Map<Key, Deque<Kept>> idle = new HashMap<>();
    private int idleCount;
    private final ScheduledExecutorService sweeper;
    private final ExecutorService closer = Executors.newVirtualThreadPerTaskExecutor();
    private volatile LongSupplier nanos = System::nanoTime;

    ToolSessions(ConnectionService connections,
            @Value("${console.tools.call-timeout:120s}") Duration callTimeout,
            @Value("${console.tools.max-concurrent:64}") int maxConcurrent,
            @Value("${console.tools.pool.idle:60s}") Duration idleExpiry,
            @Value("${console.tools.pool.max-life:10m}") Duration maxLife,
            @Value("${console.tools.pool.max-idle:64}") int maxIdle,
            @Value("${console.tools.pool.max-idle-per-connector:64}") int maxIdlePerConnector,
            @Value("${console.tools.pin-listing-max-age:5s}") Duration listingMaxAge) {
        this.connections = connections;
        this.callTimeout = callTimeout;
        this.slots = new Semaphore(maxConcurrent);
        this.idleNanos = idleExpiry.toNanos();
        this.lifeNanos = maxLife.toNanos();
        this.maxIdle = maxIdle;
        this.maxIdlePerConnector = maxIdlePerConnector;
        this.listingMaxAgeNanos = listingMaxAge.toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("tool-sessions-sweep")
                .factory());
        long every = Math.max(1_000, idleExpiry.toMillis() / 2);
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** How long a call may wait for the server's answer. */
    Duration callTimeout() {
        return callTimeout;
    }

    /** For tests: the clock the ages of sessions and listings are measured with (nanoseconds). */
    void nanoClock(LongSupplier clock) {
        this.nanos = clock;
    }

    /** For tests: how long a kept listing may stand in for a fresh one in the pin check. */
    void listingMaxAge(Duration maxAge) {
        this.listingMaxAgeNanos = maxAge.toNanos();
    }

    /** A new session, not kept (listings for pages and checks); the slot is given back when it closes. */
    McpToolSession open(Member member, ConnectorId connectorId) throws ConnectorUnavailableException {
        return open(member, connectorId, SessionOptions.NONE);
    }

    /** As {@link #open(Member, ConnectorId)}, with {@code options} (who answers the server's input requests). */
    McpToolSession open(Member member, ConnectorId connectorId, SessionOptions options)
            throws ConnectorUnavailableException {
        acquire();
        try {
            return connections.openSession(member, connectorId, callTimeout, options).whenClosed(slots::release);
        } catch (ConnectorUnavailableException | RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    /**
     * A session for one tool call: a kept one of this member's with this connector opened with the credentials the
     * connection holds now, or a new one. {@code attached} hears each session the lease uses (to cancel it).
     */
    Lease lease(Member member, ConnectorId connectorId, Consumer<McpToolSession> attached)
            throws ConnectorUnavailableException {
        return lease(member, connectorId, SessionOptions.NONE, attached);
    }

    /**
     * As {@link #lease(Member, ConnectorId, Consumer)}, with {@code options}. A session whose options answer one
     * call's input requests belongs to that call alone: it is opened for it and closed after it, never kept.
     */
    Lease lease(Member member, ConnectorId connectorId, SessionOptions options, Consumer<McpToolSession> attached)
            throws ConnectorUnavailableException {
        acquire();
        try {
            boolean oneCall = !SessionOptions.NONE.equals(options);
            String credentials = oneCall ? null : connections.sessionCredentials(member, connectorId);
            Key key = new Key(member.userId(), connectorId);
            Kept kept = credentials == null ? null : take(key, credentials);
            boolean reused = kept != null;
            if (kept == null) {
                // no credentials: never kept (giveBack closes it)
                kept = new Kept(key, member, credentials, options, connections.openSession(member, connectorId,
                        callTimeout, options));
            }
            attached.accept(kept.session);
            return new Lease(kept, reused, attached);
        } catch (ConnectorUnavailableException | RuntimeException e) {
            slots.release();
            throw e;
        }
    }

    private void acquire() throws ConnectorUnavailableException {
        if (!slots.tryAcquire()) {
            throw new ConnectorUnavailableException("The console is busy with many tool calls; try again in a "
                    + "moment.", false);
        }
    }

    /** An idle session for {@code key} opened with {@code credentials}; others of the key's are closed. */
    private Kept take(Key key, String credentials) {
        List<Kept> stale = new ArrayList<>();
        Kept found = null;
        long now = nanos.getAsLong();
        synchronized (this) {
            Deque<Kept> queue = idle.get(key);
            while (queue != null && !queue.isEmpty() && found == null) {
                Kept k = queue.pollLast();
                idleCount--;
                if (k.usable(now) && k.credentials.equals(credentials)) {
                    found = k;
                } else {
                    stale.add(k);
                }
            }
            if (queue != null && found == null) {
                // the credentials changed: none of this key's sessions may be used any more
                idleCount -= queue.size();
                stale.addAll(queue);
                queue.clear();
            }
            if (queue != null && queue.isEmpty()) {
                idle.remove(key);
            }
        }
        stale.forEach(Kept::close);
        return found;
    }

    /** Keeps a session that ended its call well; closes it instead when it may not be kept. */
    private void giveBack(Kept kept) {
        long now = nanos.getAsLong();
        Kept evicted = null;
        boolean keep;
        synchronized (this) {
            Deque<Kept> queue = idle.computeIfAbsent(kept.key, k -> new ArrayDeque<>());
            keep = kept.usable(now) && kept.credentials != null && maxIdle > 0
                    && queue.size() < ToolCallRuntime.MAX_RUNNING_PER_MEMBER
                    && idleFor(kept.key.connector) < maxIdlePerConnector;
            if (keep) {
                kept.idleSince = now;
                queue.addLast(kept);
                idleCount++;
                if (idleCount > maxIdle) {
                    evicted = evictOldest();
                }
            } else if (queue.isEmpty()) {
                idle.remove(kept.key);
            }
        }
        if (!keep) {
            kept.close();
        }
        if (evicted != null) {
            evicted.close();
        }
    }

    /** Idle sessions with one connector, all members together (each holds a connection to its server). */
    private int idleFor(ConnectorId connector) {
        int count = 0;
        for (Map.Entry<Key, Deque<Kept>> e : idle.entrySet()) {
            if (e.getKey().connector.equals(connector)) {
                count += e.getValue().size();
            }
        }
        return count;
    }

    private Kept evictOldest() {
        Deque<Kept> oldestQueue = null;
        for (Deque<Kept> q : idle.values()) {
            if (!q.isEmpty() && (oldestQueue == null || q.peekFirst().idleSince < oldestQueue.peekFirst().idleSince)) {
                oldestQueue = q;
            }
        }
        if (oldestQueue == null) {
            return null;
        }
        Kept oldest = oldestQueue.pollFirst();
        idleCount--;
        if (oldestQueue.isEmpty()) {
            idle.remove(oldest.key);
        }
        return oldest;
    }

    /**
     * Closes the idle sessions that expired, and those whose connection's credentials changed or whose member
     * may not use the connector any more.
     */
    void sweep() {
        List<Kept> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
        }
        long now = nanos.getAsLong();
        for (Kept k : all) {
            boolean close = !k.usable(now);
            if (!close) {
                try {
                    close = !Objects.equals(k.credentials, connections.sessionCredentials(k.member,
                            k.key.connector));
                } catch (ConnectorUnavailableException | RuntimeException e) {
                    close = true;
                }
            }
            if (close) {
                boolean removed;
                synchronized (this) {
                    Deque<Kept> queue = idle.get(k.key);
                    removed = queue != null && queue.remove(k);
                    if (removed) {
                        idleCount--;
                        if (queue.isEmpty()) {
                            idle.remove(k.key);
                        }
                    }
                }
                if (removed) {
                    k.close();
                }
            }
        }
    }

    /** Sessions kept idle now (for tests and metrics). */
    synchronized int idleSessions() {
        return idleCount;
    }

    @Override
    public void destroy() {
        sweeper.shutdownNow();
        List<Kept> all = new ArrayList<>();
        synchronized (this) {
            idle.values().forEach(all::addAll);
            idle.clear();
            idleCount = 0;
        }
        all.forEach(Kept::close);
        closer.shutdown();
    }

    private record Key(UserId user, ConnectorId connector) {
    }

    /** A session with what it was opened with, and the listing of its last pin check. */
    private final class Kept {
        final Key key;
        final Member member;
        final String credentials;
        /** Who answers the server's input requests: {@link SessionOptions#NONE} for a session that may be kept. */
        final SessionOptions options;
        final McpToolSession session;
        final long opened;
        volatile boolean ended;
        long idleSince;
        McpToolSession.ToolListing listing;
        long listedAt;

        Kept(Key key, Member member, String credentials, SessionOptions options, McpToolSession session) {
            this.key = key;
            this.member = member;
            this.credentials = credentials;
            this.options = options;
            this.opened = nanos.getAsLong();
            this.session = session.whenClosed(() -> ended = true);
        }

        boolean usable(long now) {
            return !ended && now - opened < lifeNanos && (idleSince == 0 || now - idleSince < idleNanos);
        }

        /** Ends the session in the background: ending it politely is a round trip (longer when the server is gone). */
        void close() {
            closer.execute(() -> {
                try {
                    session.close();
                } catch (RuntimeException e) {
                    log.debug("Closing a kept tool session failed", e);
                }
            });
        }
    }

    /** The listing a pin check used, and whether it was asked for now or kept from an earlier call. */
    record PinListing(McpToolSession.ToolListing listing, boolean kept, Duration age) {
    }

    /**
     * One call's use of a session; {@link #close()} keeps it for the next call, unless it failed. A kept session
     * that turns out broken before the tool call was sent (the server forgot it, the connection is refused) is
     * replaced by a new one, once.
     */
    final class Lease implements AutoCloseable {
        private Kept kept;
        private boolean reused;
        private boolean broken;
        private final Consumer<McpToolSession> attached;

        private Lease(Kept kept, boolean reused, Consumer<McpToolSession> attached) {
            this.kept = kept;
            this.reused = reused;
            this.attached = attached;
        }

        McpToolSession session() {
            return kept.session;
        }

        /** Whether the session was kept from an earlier call. */
        boolean reused() {
            return reused;
        }

        /**
         * The server's tools for the pin check: the listing kept with this session when it is younger than
         * {@code console.tools.pin-listing-max-age}, else one asked for now (or kept for the server's ttlMs,
         * decision 0028).
         */
        PinListing listing() throws McpProbeException, ConnectorUnavailableException {
            long now = nanos.getAsLong();
            if (kept.listing != null && now - kept.listedAt < listingMaxAgeNanos) {
                return new PinListing(kept.listing, true, Duration.ofNanos(now - kept.listedAt));
            }
            McpToolSession.ToolListing listing;
            try {
                listing = kept.session.listTools();
            } catch (McpAuthorizationException e) {
                if (!reused || e.status() != 401) {
                    broken = true;
                    throw e;
                }
                // the kept session's token was refused: a new session renews it once (as opening always did)
                listing = listAgain();
            } catch (McpProbeException e) {
                if (!reused) {
                    broken = true;
                    throw e;
                }
                listing = listAgain();
            }
            kept.listing = listing;
            kept.listedAt = nanos.getAsLong();
            return new PinListing(listing, false, Duration.ZERO);
        }

        private McpToolSession.ToolListing listAgain() throws McpProbeException, ConnectorUnavailableException {
            replace();
            try {
                return kept.session.listTools();
            } catch (McpProbeException | RuntimeException e) {
                broken = true;
                throw e;
            }
        }

        /** Calls the tool; see {@link McpToolSession#call}. */
        ToolOutcome call(String name, Map<String, Object> arguments, Consumer<McpToolSession.Progress> onProgress)
                throws McpProbeException, ConnectorUnavailableException {
            try {
                return kept.session.call(name, arguments, onProgress);
            } catch (ToolCallException e) {
                if (e.kind() == ToolCallException.Kind.SERVER_ERROR) {
                    throw e; // a JSON-RPC error: the session itself is fine
                }
                if (reused && e.kind() == ToolCallException.Kind.FAILED && neverReachedTheTool(e)) {
                    replace();
                    return call(name, arguments, onProgress);
                }
                broken = true;
                throw e;
            } catch (McpAuthorizationException e) {
                if (reused && e.status() == 401) {
                    // refused before the tool ran: a new session renews the token once (as opening always did)
                    replace();
                    return call(name, arguments, onProgress);
                }
                broken = true;
                throw e;
            } catch (McpProbeException | RuntimeException e) {
                broken = true;
                throw e;
            }
        }

        /** Closes the broken kept session and opens a new one in its place (once: the new one is not reused). */
        private void replace() throws ConnectorUnavailableException {
            kept.close();
            reused = false;
            try {
                kept = new Kept(kept.key, kept.member, kept.credentials, kept.options,
                        connections.openSession(kept.member, kept.key.connector, callTimeout, kept.options));
            } catch (ConnectorUnavailableException | RuntimeException e) {
                broken = true;
                throw e;
            }
            attached.accept(kept.session);
        }

        @Override
        public void close() {
            try {
                if (broken) {
                    kept.close();
                } else {
                    giveBack(kept);
                }
            } finally {
                slots.release();
            }
        }
    }

    /**
     * Whether a failed call certainly did not reach the tool: the server no longer knows the session (HTTP 404 for
     * its session id: the request was not processed), or the connection was refused. MCP SDK 2.2.0 answers the
     * 404 by ending its session, which fails the pending request with "MCP session with server terminated" and no
     * cause (ToolSessionsTest shows it).
     */
    static boolean neverReachedTheTool(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.equals("io.modelcontextprotocol.spec.McpTransportSessionNotFoundException")
                    || "MCP session with server terminated".equals(t.getMessage())
                    || t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }
}
