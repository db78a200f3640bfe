package org.connectorconsole.security;

import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;

/** The signed-in person acting within one organization, as the database says now. */
public record Member(
        UserId userId,
        String email,
        String displayName,
        OrganizationId orgId,
        String orgName,
        Plan plan,
        Role role) {

    public boolean isOwner() {
        return role == Role.OWNER;
    }

    public Actor actor() {
        return Actor.person(userId, email);
    }
}
