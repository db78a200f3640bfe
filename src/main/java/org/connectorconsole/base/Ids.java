package org.connectorconsole.base;

import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/** What the id records ({@link OrganizationId}, a connector's, a conversation's, a group's, ...) share. */
public final class Ids {

    private Ids() {
    }

    /** The id written in {@code text} (a URL's), or empty when it is not one (a mistyped or crafted address). */
    public static <T> Optional<T> parse(String text, Function<UUID, T> id) {
        try {
            return Optional.of(id.apply(UUID.fromString(text)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
