package org.connectorconsole.organization;

import java.time.Instant;
import java.util.UUID;
import org.connectorconsole.security.Role;

/** An open invitation, as owners see it (never its token). */
public record Invitation(UUID id, String email, Role role, String invitedBy, Instant createdAt, Instant expiresAt) {
}
