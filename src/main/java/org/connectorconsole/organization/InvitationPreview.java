package org.connectorconsole.organization;

import java.time.Instant;
import org.connectorconsole.security.Role;

/**
 * What the invitation page shows for a token: whether it can be accepted, and by whom. Says nothing about an
 * unknown token beyond that it is unknown.
 */
public record InvitationPreview(State state, String organizationName, String email, Role role, Instant expiresAt,
        Visitor visitor, boolean accountExists, boolean ssoRequired) {

    public enum State {
        OPEN, UNKNOWN, EXPIRED, USED, REVOKED
    }

    /** Who is looking at the page. */
    public enum Visitor {
        /** Nobody is signed in. */
        ANONYMOUS,
        /** Signed in with the invited e-mail address. */
        INVITED_PERSON,
        /** Signed in as someone else: accepting is refused. */
        SOMEONE_ELSE,
        /** Signed in with the invited address and already a member. */
        ALREADY_MEMBER
    }

    static InvitationPreview closed(State state) {
        return new InvitationPreview(state, null, null, null, null, Visitor.ANONYMOUS, false, false);
    }
}
