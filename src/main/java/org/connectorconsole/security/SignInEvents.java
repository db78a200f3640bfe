package org.connectorconsole.security;

import java.util.List;
import java.util.Map;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.UserId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Audit events of sign-in, recorded in every organisation the person belongs to. */
@Component
class SignInEvents {

    private final AuditService audit;
    private final IdentityRepository repository;

    SignInEvents(AuditService audit, IdentityRepository repository) {
        this.audit = audit;
        this.repository = repository;
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void signedIn(List<Member> memberships) {
        for (Member m : memberships) {
            audit.record(AuditRecord.of(m.orgId(), m.actor(), "session.signed_in")
                    .target("user", m.userId().toString(), m.email()));
        }
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public void signInFailed(UserId userId, String email, boolean lockedNow) {
        for (Member m : repository.memberships(userId)) {
            audit.record(AuditRecord.of(m.orgId(), Actor.SYSTEM, lockedNow ? "session.locked_out" : "session.sign_in_failed")
                    .target("user", userId.toString(), email)
                    .details(lockedNow ? Map.of("lockedForMinutes", Long.toString(LoginThrottle.LOCK.toMinutes()))
                            : Map.of()));
        }
    }
}
