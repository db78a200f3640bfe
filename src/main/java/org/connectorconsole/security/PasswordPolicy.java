package org.connectorconsole.security;

import java.util.Optional;

/**
 * What a password must be: long enough to resist guessing (NIST SP 800-63B: length over composition rules),
 * bounded (bcrypt reads 72 bytes), and not the account's own e-mail address.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 72;

    private PasswordPolicy() {
    }

    public static Optional<String> problem(String password, String email) {
        if (password == null || password.isEmpty()) {
            return Optional.of("Choose a password.");
        }
        if (password.length() < MIN_LENGTH) {
            return Optional.of("Use at least " + MIN_LENGTH + " characters; a few unrelated words work well.");
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LENGTH) {
            return Optional.of("Use at most " + MAX_LENGTH + " bytes (about " + MAX_LENGTH + " plain characters).");
        }
        if (password.isBlank()) {
            return Optional.of("A password cannot be only spaces.");
        }
        if (email != null && password.trim().equalsIgnoreCase(email.trim())) {
            return Optional.of("Your password cannot be your e-mail address.");
        }
        return Optional.empty();
    }
}
