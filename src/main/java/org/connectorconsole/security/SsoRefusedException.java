package org.connectorconsole.security;

import org.springframework.security.core.AuthenticationException;

/** A single sign-on the console will not accept; the message tells the person why and what to do. */
public class SsoRefusedException extends AuthenticationException {

    public SsoRefusedException(String message) {
        super(message);
    }
}
