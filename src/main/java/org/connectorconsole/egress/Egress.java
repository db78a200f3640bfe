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
 * Hands out the {@link EgressClient} for an organisation: the policy plus the private hosts its owners allowed.
 * Organisations with the same allowances share a client (and its connection pool); others never do.
 */
@Component
public class Egress implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(Egress.class);

    private final EgressSettings settings;
    private final HostResolver resolver;
    private final PrivateHostRepository privateHosts;
    private final Map<Set<String>, EgressClient> clients = new ConcurrentHashMap<>();

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
        return clients.computeIfAbsent(Set.copyOf(new TreeSet<>(hosts)),
                key -> new EgressClient(settings, key, resolver));
    }

    public EgressPolicy policy() {
        return new EgressPolicy(settings.allowLoopbackHttp());
    }

    public EgressSettings settings() {
        return settings;
    }

    @Override
    public void destroy() {
        clients.values().forEach(EgressClient::close);
    }
}
