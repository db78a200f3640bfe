package org.connectorconsole.organization;

import java.time.Instant;
import org.connectorconsole.base.UserId;
import org.connectorconsole.security.Role;

/** A person in an organization, as its owners see them; {@code version} is the membership's, for role changes. */
public record MemberSummary(UserId userId, String email, String displayName, Role role, Instant joinedAt,
        int version) {
}
