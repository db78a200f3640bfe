package org.connectorconsole.connection;

import static org.connectorconsole.connection.ConnectionAccess.transportOf;
import static org.connectorconsole.connection.ConnectionAccess.trim;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.connectorconsole.connection.ConnectionRefusals.ReauthenticationNeeded;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolCatalog;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.ProbeResult;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What state a member's connections are in: as stored (the list), and as the server answers now (a check, which
 * stores what it found and reconciles the connector's tools).
 */
@Component
class ConnectionChecks {

    private static final Logger log = LoggerFactory.getLogger(ConnectionChecks.class);

    private final ConnectionRepository repository;
    private final ConnectorDirectory connectors;
    private final ConnectionAccess access;
    private final ConnectionTokens tokens;
    private final ToolCatalog toolCatalog;
    private final Egress egress;
    private final ConnectionBackground background;
    private final ToolWatches watches;
    private final TransactionTemplate tx;
    private final Duration timeout;

    ConnectionChecks(ConnectionRepository repository, ConnectorDirectory connectors, ConnectionAccess access,
            ConnectionTokens tokens, ToolCatalog toolCatalog, Egress egress, ConnectionBackground background,
            ToolWatches watches, TransactionTemplate tx, @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.repository = repository;
        this.connectors = connectors;
        this.access = access;
        this.tokens = tokens;
        this.toolCatalog = toolCatalog;
        this.egress = egress;
        this.background = background;
        this.watches = watches;
        this.tx = tx;
        this.timeout = timeout;
    }

    /** Every enabled connector of the member's organization, with the member's own connection state. */
    @Transactional
    List<MemberConnector> list(Member member) {
        Map<ConnectorId, StoredConnection> mine = new LinkedHashMap<>();
        for (StoredConnection row : repository.listForUser(member.orgId(), member.userId())) {
            mine.put(row.connectorId(), row);
        }
        List<MemberConnector> out = new ArrayList<>();
        org.connectorconsole.connector.MemberTools standing = access.standing(member);
        for (Connector c : connectors.list(member.orgId())) {
            if (c.enabled() && standing.offered(c.id())) {
                MemberConnector m = view(c, mine.get(c.id()));
                out.add(m.tools().isEmpty() ? m : m.runnable(toolCatalog.known(member.orgId(), c.id())));
            }
        }
        return out;
    }

    static MemberConnector view(Connector c, StoredConnection row) {
        if (row == null) {
            boolean open = c.lastCheck() != null && c.lastCheck().outcome() == Diagnosis.Outcome.READY;
            return new MemberConnector(c.id(), c.name(), c.url(),
                    open ? MemberConnector.State.NO_SIGN_IN : MemberConnector.State.NOT_CONNECTED,
                    null, Set.of(), null, null,
                    open ? c.lastCheck().tools() : List.of());
        }
        MemberConnector.State state = switch (row.status()) {
            case CONNECTED -> MemberConnector.State.CONNECTED;
            case NEEDS_REAUTH -> MemberConnector.State.NEEDS_REAUTH;
            case FAILING -> MemberConnector.State.FAILING;
        };
        return new MemberConnector(c.id(), c.name(), c.url(), state, row.statusReason(),
                AuthorizationTarget.split(row.scope()), row.expiresAt(), row.connectedAt(), List.of(), 0,
                row.refreshToken() != null);
    }

    /** {@link #checkNow} on a background thread; {@code onResult} always runs, there. */
    void check(Member member, ConnectorDirectory.Target target, Consumer<MemberConnector> onResult) {
        background.run(() -> {
            MemberConnector result;
            try {
                result = checkNow(member, target);
            } catch (RuntimeException e) {
                log.error("Checking connector {} failed unexpectedly", target.connector().id(), e);
                result = view(target.connector(), null).withState(MemberConnector.State.FAILING,
                        "The check itself failed. Reload the page; if it keeps failing, tell an owner.", List.of());
            }
            onResult.accept(result);
        });
    }

    /**
     * Asks the server whether the member's connection works (bounded) and stores the answer. For a connector
     * without a connection, asks whether it answers without sign-in.
     */
    MemberConnector checkNow(Member member, ConnectorDirectory.Target target) {
        Connector c = target.connector();
        StoredConnection row = access.find(member, c.id()).orElse(null);
        if (row == null) {
            return checkWithoutSignIn(member, target);
        }
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            return view(c, row);
        }
        EgressClient client = egress.forOrganization(member.orgId());
        try {
            ConnectionTokens.Used<ProbeResult> used = tokens.use(member, target, row.id(),
                    token -> McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, token));
            tx.executeWithoutResult(s -> repository.markWorking(row.id(), used.token(), access.now()));
            var standing = toolCatalog.reconcile(member.orgId(), c.id(), used.result().tools(), member.actor());
            watches.used(member, target, row.id());
            return view(c, access.current(row)).withState(MemberConnector.State.CONNECTED, null,
                    used.result().tools()).runnable(standing);
        } catch (ReauthenticationNeeded e) {
            return view(c, access.current(row));
        } catch (McpProbeException | OAuthFlowException e) {
            String reason = "The server could not be used: " + e.getMessage()
                    + " Try again later; if it keeps failing, tell an owner of your organization.";
            tx.executeWithoutResult(s -> repository.find(row.id()).ifPresent(fresh -> {
                if (fresh.status() != ConnectionStatus.NEEDS_REAUTH) {
                    repository.setStatus(row.id(), ConnectionStatus.FAILING, trim(reason), fresh.requiredScope(),
                            fresh.stepUps(), access.now());
                }
            }));
            return view(c, access.current(row));
        }
    }

    private MemberConnector checkWithoutSignIn(Member member, ConnectorDirectory.Target target) {
        Connector c = target.connector();
        EgressClient client = egress.forOrganization(member.orgId());
        try {
            ProbeResult result = McpProbe.probe(client, URI.create(c.url()), transportOf(c), timeout, null);
            var standing = toolCatalog.reconcile(member.orgId(), c.id(), result.tools(), member.actor());
            watches.used(member, target, null);
            return view(c, null).withState(MemberConnector.State.NO_SIGN_IN, null, result.tools())
                    .runnable(standing);
        } catch (McpAuthorizationException e) {
            return view(c, null).withState(MemberConnector.State.NOT_CONNECTED, null, List.of());
        } catch (McpProbeException e) {
            return view(c, null).withState(MemberConnector.State.FAILING, "The server cannot be used right "
                    + "now: " + e.getMessage(), List.of());
        }
    }
}
