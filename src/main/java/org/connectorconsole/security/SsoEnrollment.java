package org.connectorconsole.security;

import org.connectorconsole.base.UserId;

/**
 * Decides which account a single sign-on belongs to (a known identity, an invitation to accept, an account to
 * link) or refuses it. Implemented by the organization feature, which owns invitations.
 */
public interface SsoEnrollment {

    /** The account to sign in; throws {@link SsoRefusedException} with a sentence for the person otherwise. */
    UserId resolve(SsoIdentity identity);
}
