package org.connectorconsole.security;

import java.util.List;
import java.util.Map;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.UserId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Audit events of sign-in, recorded in every organization the person belongs to. */
@Component
class SignInEvents {

    private final AuditService audit;
    private final IdentityRepository repository;

    SignInEvents(AuditService audit, IdentityRepository repository) {
        this.audit = audit;
        this.repository = repository;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void signedIn(List<Member> memberships, String via) {
        for (Member m : memberships) {
            audit.record(AuditRecord.of(m.orgId(), m.actor(), AuditAction.SESSION_SIGNED_IN)
                    .target("user", m.userId().toString(), m.email())
                    .details(Map.of("via", via)));
        }
    }

    /** The right password, refused because an organization of the person requires single sign-on. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void passwordRefused(UserId userId, String email) {
        for (Member m : repository.memberships(userId)) {
            audit.record(AuditRecord.of(m.orgId(), Actor.SYSTEM, AuditAction.SESSION_PASSWORD_REFUSED)
                    .target("user", userId.toString(), email)
                    .details(Map.of("reason", "sso_required")));
        }
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void signInFailed(UserId userId, String email, boolean lockedNow) {
        for (Member m : repository.memberships(userId)) {
            audit.record(AuditRecord.of(m.orgId(), Actor.SYSTEM,
                            lockedNow ? AuditAction.SESSION_LOCKED_OUT : AuditAction.SESSION_SIGN_IN_FAILED)
                    .target("user", userId.toString(), email)
                    .details(lockedNow ? Map.of("lockedForMinutes", Long.toString(LoginThrottle.LOCK.toMinutes()))
                            : Map.of()));
        }
    }
}
