package org.connectorconsole.organization;

import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;

/**
 * Published inside the deciding transaction when a person's access ends but the membership stays: an owner's
 * "Revoke everything" ({@code access_revoked}) or a deactivation by the identity provider through SCIM
 * ({@code deactivated}).
 */
public record MemberAccessRevoked(OrganizationId orgId, UserId userId, String email, Actor actor, String reason)
        implements MemberAccessEnded {
}
