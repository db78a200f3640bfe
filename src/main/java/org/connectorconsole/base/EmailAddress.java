package org.connectorconsole.base;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * E-mail addresses as accounts use them: trimmed, lower-case, one {@code @}, no spaces, ASCII only. Only ASCII
 * letters are lower-cased: Unicode case folding would turn look-alikes into someone else's address (U+212A KELVIN
 * SIGN folds to {@code k}, U+0130 to {@code i̇}), so addresses with other characters are refused instead;
 * international domains are written in their punycode ({@code xn--}) form.
 */
public final class EmailAddress {

    private static final Pattern SHAPE = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    public static final int MAX_LENGTH = 320;

    private EmailAddress() {
    }

    public static String normalize(String raw) {
        if (raw == null) {
            return "";
        }
        String trimmed = raw.trim();
        StringBuilder out = new StringBuilder(trimmed.length());
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            out.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return out.toString();
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7e || s.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
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
        if (!ascii(email)) {
            return Optional.of("Enter the e-mail address in plain ASCII letters: characters such as accented or "
                    + "look-alike letters are not accepted (write an international domain in its xn-- form).");
        }
        if (!SHAPE.matcher(email).matches()) {
            return Optional.of("Enter an e-mail address like name@example.com.");
        }
        return Optional.empty();
    }
}
