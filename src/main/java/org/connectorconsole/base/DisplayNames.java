package org.connectorconsole.base;

import java.util.Optional;

/**
 * Names people type for themselves, organizations, connectors and tokens: trimmed, bounded, no control, invisible
 * or text-direction characters ({@link VisibleText}).
 */
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
        java.util.OptionalInt hidden = VisibleText.firstHidden(cleaned);
        if (hidden.isPresent()) {
            return Optional.of("A name cannot contain invisible or text-direction characters (it has "
                    + VisibleText.codePoint(hidden.getAsInt()) + "): they let one name pass for another.");
        }
        return Optional.empty();
    }

    /**
     * The cleaned name, when it can be used; else a {@link ValidationException} for the form's {@code field} that
     * says why (and nothing changes).
     */
    public static String require(String raw, int maxLength, String whenEmpty, String field) {
        String cleaned = clean(raw);
        problem(cleaned, maxLength, whenEmpty).ifPresent(p -> {
            throw ValidationException.forField(field, p);
        });
        return cleaned;
    }
}
