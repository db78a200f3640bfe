package org.connectorconsole.security;

import java.util.Map;
import org.connectorconsole.base.UserId;

/**
 * Published during a single sign-on, once the account is known and before the session is set up: the person and
 * the claims their provider asserted (ID token and user info, already checked by Spring). Listeners must not
 * refuse the sign-in: they read what they need (a groups claim) and keep their own failures to themselves.
 */
public record SsoSignedIn(UserId userId, String provider, Map<String, Object> claims) {
}
