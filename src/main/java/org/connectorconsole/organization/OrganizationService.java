package org.connectorconsole.organization;

import java.util.Map;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.connectorconsole.security.Role;
import org.connectorconsole.security.SignInOptions;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The signed-in person's organization and, for its owners, its people and sign-in rules. */
@Service
public class OrganizationService {

    private final CurrentMember currentMember;
    private final OrganizationRepository repository;
    private final AuditService audit;
    private final ApplicationEventPublisher events;
    private final SignInOptions signInOptions;

    OrganizationService(CurrentMember currentMember, OrganizationRepository repository,
            AuditService audit, ApplicationEventPublisher events,
            SignInOptions signInOptions) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
        this.events = events;
        this.signInOptions = signInOptions;
    }

    /** The organization the signed-in person acts in (any member). */
    @Transactional(readOnly = true)
    public Organization current() {
        Member member = currentMember.require();
        return repository.organization(member.orgId())
                .orElseThrow(() -> new NotFoundException("Your organization no longer exists."));
    }

    /**
     * A page of the owner's organization, owners first, then by name: the {@code limit} people after {@code after}
     * (the last one of the page before, or null for the first page), optionally only those whose name or e-mail
     * address contains {@code search}. A search longer than {@value ListPage#MAX_SEARCH} characters or a limit
     * outside 1–{@value ListPage#MAX_LIMIT} is refused with a message.
     */
    @Transactional(readOnly = true)
    public ListPage<MemberSummary> memberPage(String search, MemberSummary after, int limit) {
        Member owner = currentMember.requireOwner();
        String text = ListPage.searchText(search);
        return ListPage.of(repository.memberPage(owner.orgId(), text, after, ListPage.checkLimit(limit)), limit);
    }

    /** How many people the owner's organization has, and how many owners. */
    @Transactional(readOnly = true)
    public MemberCounts memberCounts() {
        Member owner = currentMember.requireOwner();
        return repository.memberCounts(owner.orgId());
    }

    /** One person of the owner's organization; people of other organizations are not found. */
    @Transactional(readOnly = true)
    public MemberSummary member(UserId userId) {
        Member owner = currentMember.requireOwner();
        return repository.member(owner.orgId(), userId)
                .orElseThrow(() -> new NotFoundException("No such member in " + owner.orgName() + "."));
    }

    /**
     * Makes a member an owner or an owner a member. The last owner cannot be demoted (the database refuses it
     * too, at commit); the organization's row is locked before the caller's ownership is checked, so two owners
     * demoting each other take turns and a just-demoted owner changes nothing. {@code expectedVersion} is the
     * {@link MemberSummary#version()} the owner saw: a membership changed meanwhile is not overwritten.
     */
    @Transactional
    public void changeRole(UserId userId, Role role, int expectedVersion) {
        if (role == null) {
            throw ValidationException.forField("role", "Choose a role.");
        }
        Member owner = lockedOrganizationOwner();
        MemberSummary target = repository.member(owner.orgId(), userId)
                .orElseThrow(() -> new NotFoundException("No such member in " + owner.orgName() + "."));
        if (target.role() == role) {
            return;
        }
        if (target.role() == Role.OWNER && repository.ownerCount(owner.orgId()) <= 1) {
            throw new ValidationException(lastOwner(target, owner, "stay an owner"));
        }
        if (target.version() != expectedVersion
                || !repository.updateRole(owner.orgId(), userId, role, expectedVersion)) {
            throw new ConflictException(target.displayName() + "'s membership changed meanwhile. Nothing was "
                    + "saved: reload the page and try again.");
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.MEMBER_ROLE_CHANGED)
                .target("user", userId.toString(), target.email())
                .details(Map.of("before.role", target.role().name(), "after.role", role.name())));
    }

    /**
     * Removes a person from the organization: their connections to its connectors end and their tokens are
     * revoked (by the connection feature, on {@link MemberRemoved}, after this commits). Never the last owner.
     */
    @Transactional
    public void removeMember(UserId userId) {
        Member owner = lockedOrganizationOwner();
        MemberSummary target = repository.member(owner.orgId(), userId)
                .orElseThrow(() -> new NotFoundException("No such member in " + owner.orgName() + "."));
        if (target.role() == Role.OWNER && repository.ownerCount(owner.orgId()) <= 1) {
            throw new ValidationException(lastOwner(target, owner, "stay"));
        }
        repository.deleteMembership(owner.orgId(), userId);
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.MEMBER_REMOVED)
                .target("user", userId.toString(), target.email())
                .details(Map.of("role", target.role().name())));
        events.publishEvent(new MemberRemoved(owner.orgId(), userId, target.email(), owner.actor()));
    }

    /** Whether the active organization requires single sign-on (any member may ask). */
    @Transactional(readOnly = true)
    public boolean ssoRequired() {
        return repository.ssoRequired(currentMember.require().orgId());
    }

    /**
     * Requires (or stops requiring) single sign-on for the organization's members: their password sign-in is then
     * refused, and their first single sign-on with the same (provider-verified) e-mail address links to their
     * account. Only with a provider configured.
     */
    @Transactional
    public void setSsoRequired(boolean required) {
        Member owner = requireOrganizationOwner();
        boolean before = repository.ssoRequired(owner.orgId());
        if (before == required) {
            return;
        }
        if (required && signInOptions.ssoProviders().isEmpty()) {
            throw new ValidationException("No single sign-on provider is configured on this console. An "
                    + "administrator adds one first (see the README, \"Single sign-on\").");
        }
        repository.setSsoRequired(owner.orgId(), required);
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.ORGANIZATION_SSO_REQUIRED_CHANGED)
                .target("organization", owner.orgId().toString(), owner.orgName())
                .details(Map.of("before", Boolean.toString(before), "after", Boolean.toString(required))));
    }

    private static String lastOwner(MemberSummary target, Member owner, String what) {
        return target.displayName() + " is the only owner of " + owner.orgName() + " and must " + what
                + ". Make someone else an owner first.";
    }

    /**
     * Locks the active organization's row, then checks (after the lock) that the caller is still its owner: an
     * owner demoted or removed by a transaction that held the lock is refused.
     */
    private Member lockedOrganizationOwner() {
        repository.lockOrganization(currentMember.require().orgId());
        return requireOrganizationOwner();
    }

    private Member requireOrganizationOwner() {
        return currentMember.requireOwner(Plan::isOrganization,
                "Only Team and Enterprise organizations have members to manage.");
    }
}
