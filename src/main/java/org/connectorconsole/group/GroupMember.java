package org.connectorconsole.group;

import java.time.Instant;
import org.connectorconsole.base.UserId;

/** A member of a group (always a member of the group's organization). */
public record GroupMember(UserId userId, String email, String displayName, Instant addedAt) {
}
