package org.connectorconsole.egress;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.connectorconsole.base.OrganizationId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Hands out the {@link EgressClient} for an organization: the policy plus the private hosts its owners allowed.
 * Organizations with the same allowances share a client (and its connection pool); others never do.
 */
@Component
public class Egress implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Egress.class);

    private final EgressSettings settings;
    private final HostResolver resolver;
    private final PrivateHostRepository privateHosts;
    /** How long an allowance's client (and its pooled connections) lives unused before it is closed. */
    static final java.time.Duration IDLE = java.time.Duration.ofMinutes(30);

    private final Map<Set<String>, Entry> clients = new ConcurrentHashMap<>();

    /** A client and when it was last handed out. */
    private static final class Entry {
        final EgressClient client;
        volatile long lastUsed = System.nanoTime();

        Entry(EgressClient client) {
            this.client = client;
        }
    }

    Egress(EgressProperties properties, ObjectProvider<HostResolver> resolver, PrivateHostRepository privateHosts) {
        this.settings = properties.settings();
        this.resolver = resolver.getIfAvailable(() -> HostResolver.SYSTEM);
        this.privateHosts = privateHosts;
        if (settings.allowLoopbackHttp()) {
            log.warn("Development mode for outbound calls: connectors may reach this machine (loopback, plain "
                    + "http). Never enable console.egress.allow-loopback-http in production.");
        }
    }

    public EgressClient forOrganization(OrganizationId orgId) {
        return withPrivateHosts(privateHosts.hosts(orgId));
    }

    public EgressClient withPrivateHosts(Set<String> hosts) {
        Entry entry = clients.computeIfAbsent(Set.copyOf(new TreeSet<>(hosts)),
                key -> new Entry(new EgressClient(settings, key, resolver)));
        entry.lastUsed = System.nanoTime();
        return entry.client;
    }

    /**
     * Closes the clients of allowances nobody used for {@code idle} (an organization changed its private hosts,
     * or left): their connection pools would otherwise stay open for good. Every request is bounded far below
     * {@code IDLE}, so nothing in flight uses a client this old. Returns how many were closed.
     */
    int closeIdle(java.time.Duration idle) {
        long cutoff = System.nanoTime() - idle.toNanos();
        int closed = 0;
        for (var e : clients.entrySet()) {
            if (e.getValue().lastUsed < cutoff && clients.remove(e.getKey(), e.getValue())) {
                e.getValue().client.close();
                closed++;
            }
        }
        return closed;
    }

    @org.springframework.scheduling.annotation.Scheduled(fixedDelay = 5, timeUnit = java.util.concurrent.TimeUnit.MINUTES)
    void closeIdleClients() {
        int closed = closeIdle(IDLE);
        if (closed > 0) {
            log.info("Closed {} outbound client(s) unused for {} minutes", closed, IDLE.toMinutes());
        }
    }

    int clientCount() {
        return clients.size();
    }

    public EgressPolicy policy() {
        return new EgressPolicy(settings.allowLoopbackHttp());
    }

    public EgressSettings settings() {
        return settings;
    }

    @Override
    public void destroy() {
        clients.values().forEach(e -> e.client.close());
    }
}
