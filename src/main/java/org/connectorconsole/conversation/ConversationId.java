package org.connectorconsole.conversation;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

public record ConversationId(UUID value) {
    public ConversationId {
        Objects.requireNonNull(value, "value");
    }

    public static ConversationId random() {
        return new ConversationId(UUID.randomUUID());
    }

    /** The id in a URL, or empty when it is not one (a mistyped or crafted address). */
    public static Optional<ConversationId> parse(String text) {
        try {
            return Optional.of(new ConversationId(UUID.fromString(text)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
