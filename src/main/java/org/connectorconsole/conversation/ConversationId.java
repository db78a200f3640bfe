package org.connectorconsole.conversation;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.Ids;

public record ConversationId(UUID value) {
    public ConversationId {
        Objects.requireNonNull(value, "value");
    }

    public static ConversationId random() {
        return new ConversationId(UUID.randomUUID());
    }

    /** The id in a URL, or empty when it is not one (a mistyped or crafted address). */
    public static Optional<ConversationId> parse(String text) {
        return Ids.parse(text, ConversationId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
