package org.connectorconsole.organization;

import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;

/**
 * Published inside the owner's transaction when a person leaves an organization: their connections to its
 * connectors end, and their tokens are revoked after the transaction commits.
 */
public record MemberRemoved(OrganizationId orgId, UserId userId, String email, Actor actor)
        implements MemberAccessEnded {

    @Override
    public String reason() {
        return "member_removed";
    }
}
