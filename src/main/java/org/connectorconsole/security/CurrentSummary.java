package org.connectorconsole.security;

import java.util.Optional;
import org.connectorconsole.base.SignedInSummary;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

@Component
class CurrentSummary implements SignedInSummary {

    private final CurrentMember currentMember;

    CurrentSummary(CurrentMember currentMember) {
        this.currentMember = currentMember;
    }

    @Override
    public Optional<Summary> current() {
        try {
            Member m = currentMember.require();
            return Optional.of(new Summary(m.displayName(), m.email(), m.orgName(), m.plan(), m.role().label()));
        } catch (AccessDeniedException e) {
            return currentMember.user()
                    .map(u -> new Summary(u.displayName(), u.email(), null, null, null));
        }
    }
}
