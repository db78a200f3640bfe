package org.connectorconsole.connection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.AfterCommit;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connection.internal.EnterpriseStateRepository;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorRetired;
import org.connectorconsole.oauth.AuthorizationServerMetadata;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.TokenEndpoint;
import org.connectorconsole.organization.MemberAccessEnded;
import org.connectorconsole.security.Member;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How connections end: a member disconnects, an owner retires the connector (removed, disabled, moved) or
 * removes the member. The rows go first, so exactly the tokens they held are revoked and a concurrent renewal
 * finds them gone; revocation then asks the authorization server, outside any transaction, and is audited.
 */
@Component
class ConnectionEndings {

    private static final Logger log = LoggerFactory.getLogger(ConnectionEndings.class);

    private final ConnectionRepository repository;
    private final ConnectorDirectory connectors;
    private final ConnectionAccess access;
    private final ConnectionClients clients;
    private final TokenRevocation revocation;
    private final AuditService audit;
    private final ConnectionBackground background;
    private final TransactionTemplate tx;
    private final EnterpriseStateRepository enterpriseState;

    ConnectionEndings(ConnectionRepository repository, ConnectorDirectory connectors, ConnectionAccess access,
            ConnectionClients clients, TokenRevocation revocation, AuditService audit,
            ConnectionBackground background, TransactionTemplate tx, EnterpriseStateRepository enterpriseState) {
        this.enterpriseState = enterpriseState;
        this.repository = repository;
        this.connectors = connectors;
        this.access = access;
        this.clients = clients;
        this.revocation = revocation;
        this.audit = audit;
        this.background = background;
        this.tx = tx;
    }

    /**
     * Ends the member's connection: the row is deleted (committed before the revocation request), then the tokens
     * are revoked where the server offers it. Says what happened.
     */
    String disconnect(Member member, ConnectorId connectorId) {
        return disconnection(member, connectorId).message();
    }

    /** {@link #disconnect}, with whether the server confirmed the revocation. */
    Disconnection disconnection(Member member, ConnectorId connectorId) {
        ConnectorDirectory.Target target = access.anyConnector(member, connectorId);
        boolean[] paused = {false};
        StoredConnection row = tx.execute(s -> {
            StoredConnection deleted = repository.deleteReturning(member.orgId(), connectorId, member.userId())
                    .orElseThrow(() -> new NotFoundException("You are not connected to " + target.connector().name()
                            + "."));
            // through the organization's sign-in: remembered, so the page does not connect it again (decision 0063)
            paused[0] = enterpriseState.pauseIfManaged(member.orgId(), connectorId, member.userId(), access.now());
            return deleted;
        });
        TokenEndpoint.Revocation outcome = revocation.revoke(member.orgId(), row, clients.of(target, row));
        tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(),
                        AuditAction.CONNECTION_DISCONNECTED)
                .target("connector", connectorId.toString(), target.connector().name())
                .details(paused[0] ? Map.of("revocation", outcome.name().toLowerCase(), "organizationSignIn", "paused")
                        : Map.of("revocation", outcome.name().toLowerCase()))));
        String name = target.connector().name();
        String message = switch (outcome) {
            case REVOKED -> "Disconnected from " + name + ". The server revoked your tokens.";
            case NOT_OFFERED -> "Disconnected from " + name + ". The server offers no way to revoke tokens; the "
                    + "console deleted its copy.";
            case FAILED -> "Disconnected from " + name + ". The server did not confirm the revocation; the console "
                    + "deleted its copy of your tokens.";
        };
        return new Disconnection(paused[0] ? message + " You stay disconnected until you choose Connect through "
                + "your organization's sign-in." : message, outcome == TokenEndpoint.Revocation.REVOKED
                        ? Disconnection.Outcome.REVOKED : Disconnection.Outcome.ENDED_WITHOUT_REVOCATION);
    }

    /** {@link #disconnect} on a background thread; {@code onDone} gets what happened. */
    void disconnectInBackground(Member member, ConnectorId connectorId, Consumer<Disconnection> onDone) {
        background.run(() -> {
            try {
                onDone.accept(disconnection(member, connectorId));
            } catch (NotFoundException e) {
                onDone.accept(new Disconnection(e.getMessage(), Disconnection.Outcome.NOT_DONE));
            } catch (RuntimeException e) {
                log.error("Disconnecting {} from connector {} failed unexpectedly", member.userId(), connectorId, e);
                onDone.accept(new Disconnection("Disconnecting failed unexpectedly. Reload the page and try again.",
                        Disconnection.Outcome.NOT_DONE));
            }
        });
    }

    /**
     * A connector was removed, disabled or moved to another URL: its connections and pending authorizations end
     * in the owner's transaction (each row's client resolved now, before a removal cascades it away).
     */
    @EventListener
    void onConnectorRetired(ConnectorRetired event) {
        repository.deletePendingFor(event.orgId(), event.connectorId());
        List<StoredConnection> rows = repository.deleteAllReturning(event.orgId(), event.connectorId());
        if (rows.isEmpty()) {
            return;
        }
        ConnectorDirectory.Target target = connectors.find(event.orgId(), event.connectorId()).orElseThrow();
        List<Revocable> revocables = new ArrayList<>();
        for (StoredConnection row : rows) {
            revocables.add(new Revocable(row, clients.of(target, row)));
        }
        Ended ended = new Ended(event.orgId(), "connector", event.connectorId().toString(), event.connectorName());
        audit.record(AuditRecord.of(event.orgId(), event.actor(), AuditAction.CONNECTION_ENDED)
                .target(ended.targetType(), ended.targetId(), ended.targetName())
                .details(Map.of("connections", Integer.toString(rows.size()),
                        "reason", event.reason().name().toLowerCase())));
        revokeAfterCommit(ended, revocables);
    }

    /** A person left the organization or their access was revoked: their connections end in that transaction. */
    @EventListener
    void onMemberAccessEnded(MemberAccessEnded event) {
        List<StoredConnection> rows = repository.deleteAllOfUserReturning(event.orgId(), event.userId());
        if (rows.isEmpty()) {
            return;
        }
        List<Revocable> revocables = new ArrayList<>();
        for (StoredConnection row : rows) {
            connectors.find(event.orgId(), row.connectorId())
                    .ifPresent(target -> revocables.add(new Revocable(row, clients.of(target, row))));
        }
        Ended ended = new Ended(event.orgId(), "user", event.userId().toString(), event.email());
        audit.record(AuditRecord.of(event.orgId(), event.actor(), AuditAction.CONNECTION_ENDED)
                .target(ended.targetType(), ended.targetId(), ended.targetName())
                .details(Map.of("connections", Integer.toString(rows.size()), "reason", event.reason())));
        revokeAfterCommit(ended, revocables);
    }

    /** What is needed to revoke an ended connection's tokens after its rows are gone. */
    private record Revocable(StoredConnection row, Optional<OAuthClient> client) {
    }

    /** Whose connections ended: the audit target of the revocation outcome. */
    private record Ended(OrganizationId orgId, String targetType, String targetId, String targetName) {
    }

    /**
     * Revokes the ended connections' tokens once the owner's transaction commits (never for a change that rolled
     * back), in the background, and audits the outcome as the system.
     */
    private void revokeAfterCommit(Ended ended, List<Revocable> revocables) {
        AfterCommit.run(() -> background.run(() -> revokeAll(ended, revocables)));
    }

    private void revokeAll(Ended ended, List<Revocable> revocables) {
        Map<TokenEndpoint.Revocation, Integer> counts = new HashMap<>();
        // one metadata look-up per authorization server, not one per connection
        Map<String, AuthorizationServerMetadata> servers = new HashMap<>();
        for (Revocable r : revocables) {
            counts.merge(revocation.revoke(ended.orgId(), r.row(), r.client(), servers), 1, Integer::sum);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("revoked", Integer.toString(counts.getOrDefault(TokenEndpoint.Revocation.REVOKED, 0)));
        details.put("failed", Integer.toString(counts.getOrDefault(TokenEndpoint.Revocation.FAILED, 0)));
        details.put("notOffered", Integer.toString(counts.getOrDefault(TokenEndpoint.Revocation.NOT_OFFERED, 0)));
        try {
            tx.executeWithoutResult(s -> audit.record(AuditRecord.of(ended.orgId(), Actor.SYSTEM,
                    AuditAction.CONNECTION_REVOCATION).target(ended.targetType(), ended.targetId(), ended.targetName())
                    .details(details)));
        } catch (RuntimeException e) {
            log.warn("Could not record the revocation outcome for {} {}", ended.targetType(), ended.targetId(), e);
        }
    }
}
