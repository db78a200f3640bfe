package org.connectorconsole.organization;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.organization.internal.ProvisionedMemberRepository;
import org.connectorconsole.security.Role;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * An organization's members as its identity provider manages them (SCIM). Not a public entry point: the SCIM
 * endpoint calls it after its bearer credential named the organization; every change is scoped to that organization
 * and audited with the credential as the actor. Provisioned people sign in through single sign-on only (decision
 * 0057): an organization that does not require it refuses provisioning.
 */
@Component
public class ProvisionedMembers {

    public static final int MAX_NAME = 120;

    private final OrganizationRepository organizations;
    private final ProvisionedMemberRepository repository;
    private final MemberAccess access;
    private final AuditService audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    ProvisionedMembers(OrganizationRepository organizations, ProvisionedMemberRepository repository,
            MemberAccess access, AuditService audit, ApplicationEventPublisher events, Clock clock) {
        this.organizations = organizations;
        this.repository = repository;
        this.access = access;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public Optional<ProvisionedMember> find(OrganizationId orgId, UserId userId) {
        return repository.find(orgId, userId);
    }

    @Transactional(readOnly = true)
    public Optional<ProvisionedMember> findByEmail(OrganizationId orgId, String email) {
        return repository.findByEmail(orgId, EmailAddress.normalize(email));
    }

    @Transactional(readOnly = true)
    public Optional<ProvisionedMember> findByExternalId(OrganizationId orgId, String externalId) {
        return repository.findByExternalId(orgId, externalId);
    }

    @Transactional(readOnly = true)
    public List<ProvisionedMember> page(OrganizationId orgId, int offset, int limit) {
        return repository.page(orgId, offset, limit);
    }

    @Transactional(readOnly = true)
    public int count(OrganizationId orgId) {
        return repository.count(orgId);
    }

    /** Whether the organization requires single sign-on (provisioning needs it). */
    @Transactional(readOnly = true)
    public boolean ssoRequired(OrganizationId orgId) {
        return organizations.ssoRequired(orgId);
    }

    /**
     * Adds a person as a member: an existing account with that address joins, otherwise an account without a
     * password is created (its first single sign-on links it). A person who is a member already is a conflict.
     */
    @Transactional
    public ProvisionedMember add(OrganizationId orgId, Actor actor, String email, String displayName,
            String externalId, boolean active) {
        organizations.lockOrganization(orgId);
        if (!organizations.ssoRequired(orgId)) {
            throw new ValidationException("This organization does not require single sign-on, so a provisioned "
                    + "person could not sign in. An owner turns on \"Require single sign-on\" under Members first.");
        }
        EmailAddress.problem(email).ifPresent(p -> {
            throw ValidationException.forField("userName", p);
        });
        String address = EmailAddress.normalize(email);
        String name = cleanName(displayName, address);
        if (repository.findByEmail(orgId, address).isPresent()) {
            throw new ConflictException(address + " is a member already.");
        }
        OffsetDateTime now = Times.utcNow(clock);
        UserId userId = repository.accountByEmail(address).orElseGet(() -> {
            UserId id = UserId.random();
            organizations.insertUser(id, address, name, null, now);
            return id;
        });
        organizations.insertMembership(orgId, userId, Role.MEMBER, now);
        repository.setExternalId(orgId, userId, externalId);
        audit.record(AuditRecord.of(orgId, actor, AuditAction.MEMBER_ADDED)
                .target("user", userId.toString(), address)
                .details(Map.of("role", Role.MEMBER.name(), "via", "scim")));
        if (!active) {
            access.suspend(orgId, userId, actor);
        }
        return repository.find(orgId, userId).orElseThrow();
    }

    /** Sets the identity provider's id of the member and whether they are active (suspends or reactivates). */
    @Transactional
    public ProvisionedMember update(OrganizationId orgId, Actor actor, UserId userId, String externalId,
            boolean active) {
        organizations.lockOrganization(orgId);
        ProvisionedMember before = repository.find(orgId, userId)
                .orElseThrow(() -> new NotFoundException("No such member."));
        if (externalId != null && !externalId.equals(before.externalId())) {
            repository.setExternalId(orgId, userId, externalId);
        }
        if (before.active() && !active) {
            if (before.role() == Role.OWNER && organizations.ownerCount(orgId) <= 1) {
                throw new ValidationException(before.email() + " is the only owner and cannot be deactivated.");
            }
            access.suspend(orgId, userId, actor);
        } else if (!before.active() && active) {
            access.reactivate(orgId, userId, actor);
        }
        return repository.find(orgId, userId).orElseThrow();
    }

    /** Removes the member, as an owner's removal does: everything they held ends. Never the last owner. */
    @Transactional
    public void remove(OrganizationId orgId, Actor actor, UserId userId) {
        organizations.lockOrganization(orgId);
        ProvisionedMember target = repository.find(orgId, userId)
                .orElseThrow(() -> new NotFoundException("No such member."));
        if (target.role() == Role.OWNER && organizations.ownerCount(orgId) <= 1) {
            throw new ValidationException(target.email() + " is the only owner and cannot be removed.");
        }
        organizations.deleteMembership(orgId, userId);
        audit.record(AuditRecord.of(orgId, actor, AuditAction.MEMBER_REMOVED)
                .target("user", userId.toString(), target.email())
                .details(Map.of("role", target.role().name(), "via", "scim")));
        events.publishEvent(new MemberRemoved(orgId, userId, target.email(), actor));
    }

    private static String cleanName(String displayName, String email) {
        return DisplayNames.require(displayName == null || displayName.isBlank()
                ? email.substring(0, email.indexOf('@')) : displayName, MAX_NAME, "Give the person a name.",
                "displayName");
    }
}
