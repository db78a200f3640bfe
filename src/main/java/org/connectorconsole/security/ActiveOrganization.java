package org.connectorconsole.security;

import java.util.List;
import java.util.Map;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.AfterCommit;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationChoices;
import org.connectorconsole.base.OrganizationId;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Which of a person's organizations this session acts in. The choice lives in the session's security context on
 * the server (the {@link ConsoleUser} principal); {@link CurrentMember} reads it and checks the membership in the
 * database on every call, so it is the one place that decides the active organization.
 */
@Service
public class ActiveOrganization implements OrganizationChoices {

    private final CurrentMember currentMember;
    private final IdentityRepository repository;
    private final AuditService audit;

    ActiveOrganization(CurrentMember currentMember, IdentityRepository repository, AuditService audit) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
    }

    @Override
    @Transactional(readOnly = true)
    public List<Choice> choices() {
        return currentMember.user().map(user -> repository.memberships(user.userId()).stream()
                        .map(m -> new Choice(m.orgId(), m.orgName(), m.role().label(),
                                m.orgId().equals(user.activeOrgId())))
                        .toList())
                .orElse(List.of());
    }

    @Override
    @Transactional
    public void switchTo(OrganizationId orgId) {
        ConsoleUser user = currentMember.user().orElseThrow(() -> new AccessDeniedException("Sign in to continue."));
        IdentityRepository.Membership m = repository.membershipWithRules(user.userId(), orgId)
                .orElseThrow(() -> new NotFoundException("You are not a member of that organization."));
        currentMember.refuseUnlessSignedInAsRequired(user, m);
        if (m.sessionsValidAfter() != null && user.signedInBefore(m.sessionsValidAfter())) {
            throw new AccessDeniedException("An owner of " + m.member().orgName() + " ended your sessions. Sign "
                    + "in again.");
        }
        Member member = m.member();
        ConsoleUser next = user.inOrganization(orgId, ConsoleAuthenticationProvider.authoritiesFor(member));
        audit.record(AuditRecord.of(orgId, member.actor(), AuditAction.SESSION_ORGANIZATION_SWITCHED)
                .target("organization", orgId.toString(), member.orgName())
                .details(Map.of("role", member.role().name(), "signedInWith", user.signInMethod())));
        // the session changes only once the audit event is committed: a failed commit leaves it as it was
        AfterCommit.run(() -> install(next));
    }

    /**
     * Puts the principal into this thread's security context and into the HTTP session (where the next request
     * finds it). Without a request (tests, background threads) only this thread changes.
     */
    static void install(ConsoleUser user) {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
                user.getAuthorities()));
        SecurityContextHolder.setContext(context);
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            var session = attributes.getRequest().getSession(false);
            if (session != null) {
                session.setAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, context);
            }
        }
    }
}
