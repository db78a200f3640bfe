package org.connectorconsole.connection;

import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Times;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.mcp.TransportKind;
import org.connectorconsole.oauth.AuthorizationDiscovery;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who is calling, which connector they may use, and their stored connection: the checks every connection class
 * makes first, each in a short transaction of its own (a separate bean, so the {@code @Transactional} proxy
 * applies to the other classes' calls).
 */
@Component
class ConnectionAccess {

    private final CurrentMember currentMember;
    private final ConnectorDirectory connectors;
    private final ConnectionRepository repository;
    private final Clock clock;
    private final org.connectorconsole.connector.ToolAccess toolAccess;

    ConnectionAccess(CurrentMember currentMember, ConnectorDirectory connectors, ConnectionRepository repository,
            Clock clock, org.connectorconsole.connector.ToolAccess toolAccess) {
        this.toolAccess = toolAccess;
        this.currentMember = currentMember;
        this.connectors = connectors;
        this.repository = repository;
        this.clock = clock;
    }

    /** The signed-in member, re-read from the database, on a plan with custom connectors. */
    @Transactional
    Member member() {
        Member member = currentMember.require();
        requirePaidPlan(member);
        return member;
    }

    static void requirePaidPlan(Member member) {
        if (!member.plan().allowsCustomConnectors()) {
            throw new AccessDeniedException("Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
        }
    }

    /** The connector in the member's organization, refused when an owner turned it off. */
    @Transactional
    ConnectorDirectory.Target usableConnector(Member member, ConnectorId connectorId) {
        return usable(member, connectorId).target();
    }

    /** A connector the member may use, with the member's standing with it as read for the check. */
    record Usable(ConnectorDirectory.Target target, org.connectorconsole.connector.MemberTools standing) {
    }

    /** As {@link #usableConnector}, with the standing the check read (each tool's effective mode for the member). */
    @Transactional
    Usable usable(Member member, ConnectorId connectorId) {
        ConnectorDirectory.Target target = connectors.find(member.orgId(), connectorId)
                .orElseThrow(ConnectionAccess::notFound);
        if (!target.connector().enabled()) {
            throw new AccessDeniedException(target.connector().name() + " is turned off by an owner of "
                    + member.orgName() + ".");
        }
        org.connectorconsole.connector.MemberTools standing = toolAccess.forConnector(member.orgId(),
                member.userId(), connectorId);
        if (!standing.offered(connectorId)) {
            // offered only to groups the member is in none of: as if it did not exist (they do not see it)
            throw notFound();
        }
        return new Usable(target, standing);
    }

    /** The member's standing with every connector of their organization (who may use which, effective modes). */
    @Transactional
    org.connectorconsole.connector.MemberTools standing(Member member) {
        return toolAccess.forMember(member.orgId(), member.userId());
    }

    /** The connector in the member's organization, enabled or not (ending a connection needs no more). */
    @Transactional
    ConnectorDirectory.Target anyConnector(Member member, ConnectorId connectorId) {
        return connectors.find(member.orgId(), connectorId).orElseThrow(ConnectionAccess::notFound);
    }

    /** The member's own connection to the connector, if any. */
    @Transactional
    Optional<StoredConnection> find(Member member, ConnectorId connectorId) {
        return repository.find(member.orgId(), connectorId, member.userId());
    }

    @Transactional
    Optional<StoredConnection> find(UUID connectionId) {
        return repository.find(connectionId);
    }

    /** The stored row now, or the given one if it is gone. */
    @Transactional
    StoredConnection current(StoredConnection row) {
        return repository.find(row.id()).orElse(row);
    }

    OffsetDateTime now() {
        return Times.utcNow(clock);
    }

    /** The RFC 8707 resource for the connector: its URL in canonical form. */
    static String resourceOf(Connector c) {
        return AuthorizationDiscovery.canonical(URI.create(c.url()));
    }

    static TransportKind transportOf(Connector c) {
        return c.lastCheck() != null && TransportKind.SSE.label().equals(c.lastCheck().transport())
                ? TransportKind.SSE : TransportKind.STREAMABLE_HTTP;
    }

    /** Text from a server, fit to show: no control characters, at most 200 characters. */
    static String clean(String s) {
        String c = s.replaceAll("\\p{Cntrl}", " ");
        return c.length() > 200 ? c.substring(0, 200) + "…" : c;
    }

    /** A reason fit for the status column and audit details: at most 1,000 characters. */
    static String trim(String s) {
        if (s == null) {
            return null;
        }
        return s.length() > 1000 ? s.substring(0, 999) + "…" : s;
    }

    static NotFoundException notFound() {
        return new NotFoundException("This connector does not exist (it may have been removed).");
    }
}
