package org.connectorconsole.base;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** E-mail addresses as accounts use them: trimmed, lower-case, one {@code @}, no spaces. */
public final class EmailAddress {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    public static final int MAX_LENGTH = 320;

    private EmailAddress() {
    }

    public static String normalize(String raw) {
        return raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
    }

    /** Why the address cannot be used, or empty when it can. */
    public static Optional<String> problem(String raw) {
        String email = normalize(raw);
        if (email.isEmpty()) {
            return Optional.of("Enter an e-mail address.");
        }
        if (email.length() > MAX_LENGTH) {
            return Optional.of("An e-mail address has at most " + MAX_LENGTH + " characters.");
        }
        if (!SHAPE.matcher(email).matches()) {
            return Optional.of("Enter an e-mail address like name@example.com.");
        }
        return Optional.empty();
    }
}
