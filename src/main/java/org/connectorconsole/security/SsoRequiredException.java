package org.connectorconsole.security;

import org.springframework.security.core.AuthenticationException;

/** The right password, for an account whose organization requires single sign-on. */
public class SsoRequiredException extends AuthenticationException {

    public SsoRequiredException(String message) {
        super(message);
    }
}
