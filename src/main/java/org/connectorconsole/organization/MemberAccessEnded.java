package org.connectorconsole.organization;

import org.connectorconsole.audit.Actor;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;

/**
 * Published inside the deciding transaction when everything a person holds in an organization ends: their gateway
 * grants and personal access tokens, their connections to its connectors (their upstream tokens revoked after the
 * transaction commits), their tool watches. Either the membership ended ({@link MemberRemoved}) or an owner or the
 * identity provider ended the person's access and kept the membership ({@link MemberAccessRevoked}).
 */
public sealed interface MemberAccessEnded permits MemberRemoved, MemberAccessRevoked {

    OrganizationId orgId();

    UserId userId();

    String email();

    Actor actor();

    /** Why, as recorded in audit details: {@code member_removed}, {@code access_revoked}, {@code deactivated}. */
    String reason();

    /** Whether the membership itself ended (rather than only everything it held). */
    default boolean membershipEnded() {
        return this instanceof MemberRemoved;
    }
}
