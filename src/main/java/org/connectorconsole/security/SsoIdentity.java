package org.connectorconsole.security;

/**
 * A person as an OpenID Connect provider describes them at sign-in: {@code issuer} and {@code subject} identify
 * them; the e-mail address counts only when the provider says it is verified. Holds no token.
 */
public record SsoIdentity(String provider, String issuer, String subject, String email, boolean emailVerified,
        String name) {
}
