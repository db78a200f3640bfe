package org.connectorconsole.organization;

import java.time.Clock;
import java.util.Map;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.internal.MemberAccessRepository;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Ending everything a member holds in the organization without removing them: their console sessions (signed out on
 * their next request), gateway grants and personal access tokens, connections (upstream tokens revoked at the
 * servers after the commit, as when a member is removed: the same listeners of {@link MemberAccessEnded} do it).
 */
@Service
public class MemberAccess {

    private final CurrentMember currentMember;
    private final OrganizationRepository organizations;
    private final MemberAccessRepository repository;
    private final AuditService audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    MemberAccess(CurrentMember currentMember, OrganizationRepository organizations, MemberAccessRepository repository,
            AuditService audit, ApplicationEventPublisher events, Clock clock) {
        this.currentMember = currentMember;
        this.organizations = organizations;
        this.repository = repository;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /**
     * An owner's "Revoke everything" on a member of their organization (not on themselves: they sign out instead).
     * The membership and its role stay.
     */
    @Transactional
    public void revokeEverything(UserId userId) {
        organizations.lockOrganization(currentMember.require().orgId());
        Member owner = currentMember.requireOwner(Plan::isOrganization,
                "Only Team and Enterprise organizations have members to manage.");
        if (owner.userId().equals(userId)) {
            throw new ValidationException("You cannot revoke your own access here. Sign out instead, and revoke your "
                    + "tokens in Settings.");
        }
        MemberSummary target = organizations.member(owner.orgId(), userId)
                .orElseThrow(() -> new NotFoundException("No such member in " + owner.orgName() + "."));
        endAccess(owner.orgId(), target, owner.actor(), "access_revoked", AuditAction.MEMBER_ACCESS_REVOKED);
    }

    /** The owner's organization's members its identity provider deactivated (suspended). */
    @Transactional(readOnly = true)
    public java.util.Set<UserId> suspendedMembers() {
        Member owner = currentMember.requireOwner(Plan::isOrganization,
                "Only Team and Enterprise organizations have members to manage.");
        return repository.suspendedIn(owner.orgId());
    }

    /**
     * Inside the caller's transaction, for a caller that has checked its right (the SCIM endpoint's credential):
     * suspends the membership and ends everything it holds; false when it was suspended already.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean suspend(OrganizationId orgId, UserId userId, Actor actor) {
        MemberSummary target = organizations.member(orgId, userId)
                .orElseThrow(() -> new NotFoundException("No such member."));
        if (repository.suspendedAt(orgId, userId).isPresent()) {
            return false;
        }
        repository.setSuspended(orgId, userId, Times.utcNow(clock));
        endAccess(orgId, target, actor, "deactivated", AuditAction.MEMBER_SUSPENDED);
        return true;
    }

    /** Inside the caller's transaction: reactivates a suspended membership; false when it was active. */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean reactivate(OrganizationId orgId, UserId userId, Actor actor) {
        MemberSummary target = organizations.member(orgId, userId)
                .orElseThrow(() -> new NotFoundException("No such member."));
        if (repository.suspendedAt(orgId, userId).isEmpty()) {
            return false;
        }
        repository.setSuspended(orgId, userId, null);
        audit.record(AuditRecord.of(orgId, actor, AuditAction.MEMBER_REACTIVATED)
                .target("user", userId.toString(), target.email()));
        return true;
    }

    /** Whether the membership is suspended (the caller has checked its right). */
    @Transactional(readOnly = true)
    public boolean suspended(OrganizationId orgId, UserId userId) {
        return repository.suspendedAt(orgId, userId).isPresent();
    }

    private void endAccess(OrganizationId orgId, MemberSummary target, Actor actor, String reason,
            AuditAction action) {
        repository.endSessions(orgId, target.userId(), Times.utcNow(clock));
        audit.record(AuditRecord.of(orgId, actor, action)
                .target("user", target.userId().toString(), target.email())
                .details(Map.of("role", target.role().name())));
        events.publishEvent(new MemberAccessRevoked(orgId, target.userId(), target.email(), actor, reason));
    }
}
