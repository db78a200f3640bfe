package org.connectorconsole.connection;

import static org.connectorconsole.connection.ConnectionAccess.transportOf;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.connectorconsole.connection.ConnectionRefusals.ReauthenticationNeeded;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorRetired;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.ProbeResult;
import org.connectorconsole.mcp.ToolWatch;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.organization.MemberAccessEnded;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Standing subscriptions to connectors' tool list changes, so that a tool the server changes is held for review
 * when the server announces the change, not when someone next lists the tools (decision 0028). A connector is
 * watched while members use it (a check, a conversation's tool list, a call), with the credentials of the member
 * who used it last: a {@code subscriptions/listen} stream (2026-07-28) or an open session receiving
 * {@code notifications/tools/list_changed} (2025-11-25), where the server offers either. On a change the tools are
 * listed again (a fresh, bounded listing with that member's credentials) and reconciled with what is pinned.
 *
 * <p>Bounded: at most {@code console.tools.watch.max} watches on this instance (each one open HTTP stream; the
 * least recently used is closed for a new one; 0 turns watching off); a watch not used for
 * {@code console.tools.watch.idle} is closed; each is opened afresh after {@code console.tools.watch.lifetime}
 * (a renewed token, a stream that ended quietly); one that ends is opened again after
 * {@code console.tools.watch.pause}. One thread does all the work: opening watches and the listings changes call
 * for.
 */
@Component
class ToolWatches implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ToolWatches.class);

    private final ConnectionTokens tokens;
    private final ToolCatalog catalog;
    private final Egress egress;
    private final int max;
    private final Duration idle;
    private final Duration lifetime;
    private final Duration pause;
    private final Duration timeout;
    private final Map<ConnectorId, Watch> watches = new LinkedHashMap<>(16, 0.75f, true);
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tool-watches");
        t.setDaemon(true);
        return t;
    });

    ToolWatches(ConnectionTokens tokens, ToolCatalog catalog, Egress egress,
            @Value("${console.tools.watch.max:16}") int max,
            @Value("${console.tools.watch.idle:15m}") Duration idle,
            @Value("${console.tools.watch.lifetime:10m}") Duration lifetime,
            @Value("${console.tools.watch.pause:1m}") Duration pause,
            @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.tokens = tokens;
        this.catalog = catalog;
        this.egress = egress;
        this.max = max;
        this.idle = idle;
        this.lifetime = lifetime;
        this.pause = pause;
        this.timeout = timeout;
        if (max > 0) {
            worker.scheduleWithFixedDelay(this::sweep, 15, 15, TimeUnit.SECONDS);
        }
    }

    /** One connector watched: who used it last, and its open watch (if any). */
    private final class Watch {
        final ConnectorId connectorId;
        volatile Member member;
        volatile ConnectorDirectory.Target target;
        /** The member's connection, or null for a server used without sign-in. */
        volatile UUID connectionId;
        volatile long lastUsed = System.nanoTime();
        volatile ToolWatch open;
        volatile long openedAt;
        volatile long retryAt;
        volatile boolean closed;
        final AtomicBoolean refreshQueued = new AtomicBoolean();

        Watch(ConnectorId connectorId) {
            this.connectorId = connectorId;
        }
    }

    /**
     * A member just used the connector (with their connection {@code connectionId}, or none): starts watching it,
     * or keeps the watch alive, now with this member's credentials.
     */
    void used(Member member, ConnectorDirectory.Target target, UUID connectionId) {
        if (max <= 0) {
            return;
        }
        List<Watch> evicted = new ArrayList<>();
        Watch watch;
        boolean fresh;
        synchronized (watches) {
            watch = watches.get(target.connector().id());
            fresh = watch == null;
            if (fresh) {
                while (watches.size() >= max) {
                    var eldest = watches.entrySet().iterator().next();
                    watches.remove(eldest.getKey());
                    evicted.add(eldest.getValue());
                }
                watch = new Watch(target.connector().id());
                watches.put(watch.connectorId, watch);
            }
            watch.member = member;
            watch.target = target;
            watch.connectionId = connectionId;
            watch.lastUsed = System.nanoTime();
        }
        evicted.forEach(this::close);
        if (fresh) {
            Watch w = watch;
            worker.execute(() -> open(w));
        }
    }

    /** How the connector is watched now ("subscriptions/listen", "open session"), or null when it is not. */
    String watching(ConnectorId connectorId) {
        synchronized (watches) {
            Watch w = watches.get(connectorId);
            ToolWatch open = w == null ? null : w.open;
            return open == null ? null : open.how();
        }
    }

    private void open(Watch w) {
        if (w.closed) {
            return;
        }
        EgressClient client = egress.forOrganization(w.target.orgId());
        URI url = URI.create(w.target.connector().url());
        ToolWatch.Listener listener = new ToolWatch.Listener() {
            @Override
            public void toolsChanged() {
                if (w.refreshQueued.compareAndSet(false, true)) {
                    worker.execute(() -> refresh(w));
                }
            }

            @Override
            public void ended(Throwable cause) {
                log.debug("Watching the tools of connector {} ended", w.connectorId, cause);
                w.open = null;
                w.retryAt = System.nanoTime() + pause.toNanos();
            }
        };
        try {
            ToolWatch watch = w.connectionId == null
                    ? McpToolSession.watchTools(client, url, transportOf(w.target.connector()), timeout, null,
                            listener)
                    : tokens.use(w.member, w.target, w.connectionId, token -> McpToolSession.watchTools(client, url,
                            transportOf(w.target.connector()), timeout, token, listener)).result();
            w.openedAt = System.nanoTime();
            if (watch == null) {
                // the server announces no changes: ask again after a lifetime (it may learn to)
                w.retryAt = System.nanoTime() + lifetime.toNanos();
                return;
            }
            if (w.closed) {
                watch.close();
                return;
            }
            w.open = watch;
        } catch (ReauthenticationNeeded e) {
            close(remove(w));
        } catch (McpProbeException | OAuthFlowException | RuntimeException e) {
            log.debug("Could not watch the tools of connector {}", w.connectorId, e);
            w.retryAt = System.nanoTime() + pause.toNanos();
        }
    }

    /** The server says its tools changed: list them (fresh, bounded) and reconcile with what is pinned. */
    private void refresh(Watch w) {
        w.refreshQueued.set(false);
        if (w.closed) {
            return;
        }
        EgressClient client = egress.forOrganization(w.target.orgId());
        URI url = URI.create(w.target.connector().url());
        try {
            ProbeResult listed = w.connectionId == null
                    ? McpProbe.probe(client, url, transportOf(w.target.connector()), timeout, null)
                    : tokens.use(w.member, w.target, w.connectionId, token -> McpProbe.probe(client, url,
                            transportOf(w.target.connector()), timeout, token)).result();
            catalog.reconcile(w.target.orgId(), w.connectorId, listed.tools(), w.member.actor());
        } catch (ReauthenticationNeeded e) {
            close(remove(w));
        } catch (McpProbeException | OAuthFlowException | RuntimeException e) {
            log.debug("Listing the changed tools of connector {} failed", w.connectorId, e);
        }
    }

    /** Closes idle watches, reopens ended or old ones. */
    private void sweep() {
        long now = System.nanoTime();
        List<Watch> all;
        synchronized (watches) {
            all = new ArrayList<>(watches.values());
        }
        for (Watch w : all) {
            if (now - w.lastUsed > idle.toNanos()) {
                close(remove(w));
            } else if (w.open == null && now - w.retryAt >= 0) {
                open(w);
            } else if (w.open != null && now - w.openedAt > lifetime.toNanos()) {
                ToolWatch old = w.open;
                w.open = null;
                old.close();
                open(w);
            }
        }
    }

    private Watch remove(Watch w) {
        synchronized (watches) {
            watches.remove(w.connectorId, w);
        }
        return w;
    }

    private void close(Watch w) {
        w.closed = true;
        ToolWatch open = w.open;
        w.open = null;
        if (open != null) {
            try {
                open.close();
            } catch (RuntimeException e) {
                log.debug("Closing a tool watch failed", e);
            }
        }
    }

    /** A connector removed, disabled or moved: its watch ends (its connections and tokens end too). */
    @EventListener
    void onConnectorRetired(ConnectorRetired event) {
        closeWhere(w -> w.connectorId.equals(event.connectorId()));
    }

    /** A person left the organization or their access was revoked: the watches with their credentials end. */
    @EventListener
    void onMemberAccessEnded(MemberAccessEnded event) {
        closeWhere(w -> w.member.orgId().equals(event.orgId()) && w.member.userId().equals(event.userId()));
    }

    private void closeWhere(java.util.function.Predicate<Watch> which) {
        List<Watch> ended = new ArrayList<>();
        synchronized (watches) {
            watches.values().removeIf(w -> {
                if (which.test(w)) {
                    ended.add(w);
                    return true;
                }
                return false;
            });
        }
        ended.forEach(this::close);
    }

    @Override
    public void destroy() {
        worker.shutdownNow();
        List<Watch> all;
        synchronized (watches) {
            all = new ArrayList<>(watches.values());
            watches.clear();
        }
        all.forEach(this::close);
    }
}
