package org.connectorconsole.connection;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.internal.OverviewRepository;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The owners' overview of their organization's connections: every enabled connector × member, with state, scopes,
 * token expiry and last successful use (never a token); and owners asking a member to reconnect.
 */
@Service
public class ConnectionOverviewService {

    public static final int MAX_PAGE = 200;

    private final CurrentMember currentMember;
    private final OverviewRepository repository;
    private final ConnectorDirectory connectors;
    private final AuditService audit;
    private final Clock clock;

    ConnectionOverviewService(CurrentMember currentMember, OverviewRepository repository,
            ConnectorDirectory connectors, AuditService audit, Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.connectors = connectors;
        this.audit = audit;
        this.clock = clock;
    }

    /** The longest member search: an e-mail address's length. */
    public static final int MAX_MEMBER_FILTER = EmailAddress.MAX_LENGTH;

    /** One page of pairs after {@code after} (null: the first page), at most {@code limit} (≤ {@value #MAX_PAGE}). */
    @Transactional(readOnly = true)
    public ConnectionOverview.Page page(ConnectionOverview.Filter filter, ConnectionOverview.Cursor after,
            int limit) {
        Member owner = requireOrganizationOwner();
        if (filter != null && filter.member() != null && filter.member().strip().length() > MAX_MEMBER_FILTER) {
            throw ValidationException.forField("member", "Search with at most " + MAX_MEMBER_FILTER
                    + " characters (a name or a part of an e-mail address).");
        }
        return repository.page(owner.orgId(), filter == null ? ConnectionOverview.Filter.NONE : filter, after,
                Math.clamp(limit, 1, MAX_PAGE));
    }

    /** Read in one snapshot (its totals, members and connectors come from three statements). */
    @Transactional(readOnly = true, isolation = org.springframework.transaction.annotation.Isolation.REPEATABLE_READ)
    public ConnectionOverview.Counts counts() {
        return repository.counts(requireOrganizationOwner().orgId());
    }

    /** Asks a member to reconnect a connector; they see the request on their connectors page until they do. */
    @Transactional
    public void requestReconnect(ConnectorId connectorId, UserId memberId) {
        Member owner = requireOrganizationOwner();
        var connector = connectors.find(owner.orgId(), connectorId)
                .orElseThrow(() -> new NotFoundException("This connector does not exist (it may have been removed)."))
                .connector();
        if (!connector.enabled()) {
            throw new AccessDeniedException(connector.name() + " is turned off; turn it on before asking anyone "
                    + "to reconnect.");
        }
        if (!repository.isMember(owner.orgId(), memberId)) {
            throw new NotFoundException("No such member in " + owner.orgName() + ".");
        }
        repository.requestReconnect(owner.orgId(), connectorId, memberId, owner.userId(), Times.utcNow(clock));
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTION_RECONNECT_REQUESTED)
                .target("connector", connectorId.toString(), connector.name())
                .details(Map.of("member", memberId.toString())));
    }

    /**
     * How many of the organization's reconnect requests are still open (the member has not connected since), on
     * enabled connectors: what the owners' navigation shows on Connections.
     */
    @Transactional(readOnly = true)
    public long openReconnectRequests() {
        return repository.openReconnectRequests(requireOrganizationOwner().orgId());
    }

    /** The signed-in member's open reconnect requests, by connector (any member, their own only). */
    @Transactional(readOnly = true)
    public Map<ConnectorId, Instant> myReconnectRequests() {
        Member member = currentMember.require();
        return repository.reconnectRequests(member.orgId(), member.userId());
    }

    private Member requireOrganizationOwner() {
        return currentMember.requireOwner(Plan::isOrganization,
                "The connections overview is for owners of Team and Enterprise organizations.");
    }
}
