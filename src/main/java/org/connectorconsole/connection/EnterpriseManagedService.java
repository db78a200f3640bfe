package org.connectorconsole.connection;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.internal.EnterpriseManagedRepository;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressPolicy;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enterprise-managed authorization in the console (the MCP extension
 * {@code io.modelcontextprotocol/enterprise-managed-authorization}): owners set up the organization's identity
 * provider for token exchange and switch connectors to the organization's sign-in; members signed in with single
 * sign-on are then connected to those connectors without a Connect click or consent screen
 * ({@link #connectAutomatically()}, when their page opens). Every method finds the caller itself and checks role,
 * plan and organization; see docs/connections.md#enterprise-managed-connections.
 */
@Service
public class EnterpriseManagedService {

    /** The owner's view of the token exchange; the secret is never returned, only whether one is set. */
    public record TokenExchange(boolean enabled, String tokenEndpoint, String clientId, boolean secretSet) {
    }

    /**
     * A connector the member reaches through the organization's sign-in, and how that went just now; {@code canAsk}
     * when the member may choose "Connect through your organization's sign-in" (after a refusal, or {@code paused}:
     * they disconnected).
     */
    public record ManagedConnection(ConnectorId connectorId, String connectorName, boolean connected, String message,
            String detail, boolean canAsk, boolean paused) {
        public ManagedConnection(ConnectorId connectorId, String connectorName, boolean connected, String message,
                String detail) {
            this(connectorId, connectorName, connected, message, detail, false, false);
        }
    }

    private final CurrentMember currentMember;
    private final EnterpriseManagedRepository repository;
    private final EnterpriseConnections connections;
    private final ConnectionAccess access;
    private final ConnectorDirectory connectors;
    private final SecretSealer sealer;
    private final Egress egress;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final ConnectionBackground background;
    private final Duration timeout;

    EnterpriseManagedService(CurrentMember currentMember, EnterpriseManagedRepository repository,
            EnterpriseConnections connections, ConnectionAccess access, ConnectorDirectory connectors,
            SecretSealer sealer, Egress egress, AuditService audit, TransactionTemplate tx,
            ConnectionBackground background, @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.background = background;
        this.currentMember = currentMember;
        this.repository = repository;
        this.connections = connections;
        this.access = access;
        this.connectors = connectors;
        this.sealer = sealer;
        this.egress = egress;
        this.audit = audit;
        this.tx = tx;
        this.timeout = timeout;
    }

    /** The organization's token exchange as an owner set it (all empty when never set). */
    public TokenExchange tokenExchange() {
        Member owner = owner();
        return repository.exchange(owner.orgId()).map(s -> new TokenExchange(s.enabled(), s.tokenEndpoint(),
                s.clientId(), s.sealedSecret() != null)).orElse(new TokenExchange(false, "", "", false));
    }

    /**
     * Saves the token exchange: the identity provider's token endpoint (through the egress policy: an address the
     * console would not call is refused here, with the policy's reason) and the console's client there.
     * {@code newSecret} null or blank keeps the stored secret.
     */
    public void saveTokenExchange(boolean enabled, String tokenEndpoint, String clientId, String newSecret) {
        Member owner = owner();
        String endpoint = tokenEndpoint == null ? "" : tokenEndpoint.strip();
        String id = clientId == null ? "" : clientId.strip();
        EgressPolicy.UrlCheck check = egress.forOrganization(owner.orgId()).policy().checkUrl(endpoint);
        if (!check.ok()) {
            throw ValidationException.forField("tokenEndpoint", "The console will not call this address: "
                    + check.problem());
        }
        if (id.isEmpty() || id.length() > 512) {
            throw ValidationException.forField("clientId", "Enter the client ID the console signs members in with "
                    + "at your identity provider (at most 512 characters).");
        }
        if (newSecret != null && newSecret.length() > 2048) {
            throw ValidationException.forField("clientSecret", "The client secret is longer than 2,048 characters.");
        }
        boolean replace = newSecret != null && !newSecret.isBlank();
        tx.executeWithoutResult(s -> {
            byte[] kept = repository.exchange(owner.orgId()).map(EnterpriseManagedRepository.StoredExchange::sealedSecret)
                    .orElse(null);
            byte[] secret = replace ? sealer.seal(newSecret, EnterpriseConnections.secretContext(owner.orgId())) : kept;
            repository.saveExchange(owner.orgId(), enabled, check.uri().toString(), id, secret, owner.userId(),
                    access.now());
            Map<String, String> details = new LinkedHashMap<>();
            details.put("enabled", Boolean.toString(enabled));
            details.put("tokenEndpoint", check.uri().toString());
            details.put("clientId", id);
            details.put("secret", replace ? "set" : kept != null ? "kept" : "none");
            audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.TOKEN_EXCHANGE_UPDATED)
                    .target("organization", owner.orgId().toString(), owner.orgName()).details(details));
        });
    }

    /**
     * Switches a connector to the organization's sign-in, after asking its server: only a server whose
     * authorization server lists the JWT bearer grant (RFC 7523, how an ID-JAG is redeemed) can be switched on,
     * and only with the console's client ID there entered in the connector's Advanced settings.
     */
    public void setEnterpriseManaged(ConnectorId connectorId, boolean managed) {
        apply(owner(), connectorId, managed);
    }

    /**
     * {@link #setEnterpriseManaged} for the owner's page: the caller is checked here, asking the server (up to the
     * connections timeout) runs in the background, and {@code onDone} receives there null when it was switched, or
     * the reason it was not.
     */
    public void setEnterpriseManagedInBackground(ConnectorId connectorId, boolean managed,
            java.util.function.Consumer<String> onDone) {
        Member owner = owner();
        background.run(() -> {
            String problem;
            try {
                apply(owner, connectorId, managed);
                problem = null;
            } catch (ValidationException | org.connectorconsole.base.NotFoundException e) {
                problem = e.getMessage();
            } catch (RuntimeException e) {
                problem = "Switching failed unexpectedly. Reload the page and try again.";
            }
            onDone.accept(problem);
        });
    }

    private void apply(Member owner, ConnectorId connectorId, boolean managed) {
        ConnectorDirectory.Target target = connectors.find(owner.orgId(), connectorId)
                .orElseThrow(ConnectionAccess::notFound);
        if (managed) {
            String problem = support(owner, target);
            if (problem != null) {
                throw ValidationException.forField("enterpriseManaged", problem);
            }
        }
        tx.executeWithoutResult(s -> {
            if (repository.setManaged(owner.orgId(), connectorId, managed, owner.userId(), access.now())) {
                audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_ENTERPRISE_MANAGED)
                        .target("connector", connectorId.toString(), target.connector().name())
                        .details(Map.of("enabled", Boolean.toString(managed))));
            }
        });
    }

    /** The organization's connectors that use its sign-in (for the member's page and the owner's). */
    public Set<ConnectorId> enterpriseManagedConnectors() {
        Member member = access.member();
        return repository.managedConnectors(member.orgId());
    }

    /**
     * Connects the signed-in member to every enabled enterprise-managed connector they are not connected to yet,
     * without asking them anything. Network calls: run it off the UI thread.
     */
    public List<ManagedConnection> connectAutomatically() {
        return connectAll(access.member());
    }

    /**
     * {@link #connectAutomatically()} for the member's page: the caller is checked here, the network calls run in
     * the background, and {@code onDone} receives the outcome there (the page hands it to its UI).
     */
    public void connectAutomaticallyInBackground(java.util.function.Consumer<List<ManagedConnection>> onDone) {
        Member member = access.member();
        background.run(() -> onDone.accept(connectAll(member)));
    }

    /**
     * The member chose "Connect through your organization's sign-in" for one connector: a disconnect they made or a
     * remembered refusal no longer holds, and the console tries now. Network calls: run it off the UI thread.
     */
    public ManagedConnection connectThroughOrganization(ConnectorId connectorId) {
        return connectOne(access.member(), connectorId);
    }

    /** {@link #connectThroughOrganization} for the member's page; {@code onDone} runs in the background. */
    public void connectThroughOrganizationInBackground(ConnectorId connectorId,
            java.util.function.Consumer<ManagedConnection> onDone) {
        Member member = access.member();
        background.run(() -> {
            ManagedConnection result;
            try {
                result = connectOne(member, connectorId);
            } catch (org.connectorconsole.base.NotFoundException e) {
                result = new ManagedConnection(connectorId, "", false, e.getMessage(), null, false, false);
            }
            onDone.accept(result);
        });
    }

    private ManagedConnection connectOne(Member member, ConnectorId connectorId) {
        ConnectorDirectory.Target target = connectors.find(member.orgId(), connectorId)
                .filter(t -> t.connector().enabled())
                .filter(t -> repository.managedConnectors(member.orgId()).contains(connectorId))
                .orElseThrow(ConnectionAccess::notFound);
        connections.forget(member, target);
        EnterpriseConnections.Outcome outcome = connections.connect(member, target);
        return new ManagedConnection(connectorId, target.connector().name(), outcome.connected(), outcome.message(),
                outcome.detail(), outcome.canAsk(), outcome.paused());
    }

    private List<ManagedConnection> connectAll(Member member) {
        List<ManagedConnection> out = new ArrayList<>();
        for (ConnectorId id : repository.managedConnectors(member.orgId())) {
            ConnectorDirectory.Target target = connectors.find(member.orgId(), id).orElse(null);
            if (target == null || !target.connector().enabled()) {
                continue;
            }
            boolean connected = access.find(member, id)
                    .filter(row -> row.status() == ConnectionStatus.CONNECTED).isPresent();
            if (connected) {
                out.add(new ManagedConnection(id, target.connector().name(), true,
                        "Connected through your organization's sign-in.", null));
                continue;
            }
            EnterpriseConnections.Outcome outcome = connections.heldBack(member, target)
                    .orElseGet(() -> connections.connect(member, target));
            out.add(new ManagedConnection(id, target.connector().name(), outcome.connected(), outcome.message(),
                    outcome.detail(), outcome.canAsk(), outcome.paused()));
        }
        return out;
    }

    /** Why the connector cannot use the organization's sign-in, or null when it can. */
    private String support(Member owner, ConnectorDirectory.Target target) {
        if (target.connector().oauthClientId() == null || target.connector().oauthClientId().isBlank()) {
            return "Enter the console's client ID at the server's authorization server in the connector's Advanced "
                    + "settings first: the organization's grant is redeemed with it.";
        }
        try {
            AuthorizationTarget found = AuthorizationTargets.discoverForGrant(egress.forOrganization(owner.orgId()),
                    URI.create(target.connector().url()), timeout).orElse(null);
            if (found == null) {
                return target.connector().name() + " asks for no sign-in.";
            }
            if (!found.server().supportsJwtBearerGrant()) {
                return "The server's authorization server " + found.server().issuer() + " does not support "
                        + "enterprise-managed authorization (its metadata lists no JWT bearer grant).";
            }
            return null;
        } catch (OAuthFlowException e) {
            return "The server's authorization could not be checked: " + e.getMessage();
        }
    }

    private Member owner() {
        return currentMember.requireOwner(Plan::allowsCustomConnectors, "Custom connectors need a paid plan.");
    }
}
