package org.connectorconsole.organization;

import java.time.Instant;
import org.connectorconsole.base.UserId;
import org.connectorconsole.security.Role;

/** A member as an identity provider sees them through SCIM: the account, the role, and the provider's own id. */
public record ProvisionedMember(UserId userId, String email, String displayName, Role role, String externalId,
        boolean active, Instant joinedAt, int version) {
}
