package org.connectorconsole.organization;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import org.connectorconsole.base.Times;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.Role;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates organizations and accounts. Not a public entry point: its callers (first-time setup, demo data)
 * decide who may create what.
 */
@Component
class OrganizationProvisioning {

    private final OrganizationRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final AuditService audit;
    private final Clock clock;

    OrganizationProvisioning(OrganizationRepository repository, PasswordEncoder passwordEncoder, AuditService audit,
            Clock clock) {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.clock = clock;
    }

    record Created(OrganizationId orgId, UserId ownerId) {
    }

    @Transactional(propagation = Propagation.MANDATORY)
    Created organizationWithOwner(String orgName, Plan plan, String ownerName, String email, String rawPassword,
            String how) {
        OffsetDateTime now = now();
        OrganizationId orgId = OrganizationId.random();
        UserId ownerId = UserId.random();
        repository.insertOrganization(orgId, orgName, plan, now);
        repository.insertUser(ownerId, email, ownerName, passwordEncoder.encode(rawPassword), now);
        repository.insertMembership(orgId, ownerId, Role.OWNER, now);
        Actor actor = Actor.person(ownerId, email);
        audit.record(AuditRecord.of(orgId, actor, AuditAction.ORGANIZATION_CREATED)
                .target("organization", orgId.toString(), orgName)
                .details(Map.of("plan", plan.name(), "via", how)));
        audit.record(AuditRecord.of(orgId, actor, AuditAction.MEMBER_ADDED)
                .target("user", ownerId.toString(), email)
                .details(Map.of("role", Role.OWNER.name())));
        return new Created(orgId, ownerId);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    UserId addPerson(OrganizationId orgId, Actor actor, String name, String email, String rawPassword, Role role) {
        OffsetDateTime now = now();
        UserId userId = UserId.random();
        repository.insertUser(userId, email, name, passwordEncoder.encode(rawPassword), now);
        repository.insertMembership(orgId, userId, role, now);
        audit.record(AuditRecord.of(orgId, actor, AuditAction.MEMBER_ADDED)
                .target("user", userId.toString(), email)
                .details(Map.of("role", role.name())));
        return userId;
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }
}
