package org.connectorconsole.base;

import java.util.Optional;

/** Names people type for themselves, organisations and connectors: trimmed, bounded, no control characters. */
public final class DisplayNames {

    private DisplayNames() {
    }

    public static String clean(String raw) {
        return raw == null ? "" : raw.strip();
    }

    /** Why the (cleaned) name cannot be used, or empty when it can. */
    public static Optional<String> problem(String cleaned, int maxLength, String whenEmpty) {
        if (cleaned.isEmpty()) {
            return Optional.of(whenEmpty);
        }
        if (cleaned.length() > maxLength) {
            return Optional.of("A name has at most " + maxLength + " characters.");
        }
        if (cleaned.chars().anyMatch(Character::isISOControl)) {
            return Optional.of("A name cannot contain control characters.");
        }
        return Optional.empty();
    }
}
