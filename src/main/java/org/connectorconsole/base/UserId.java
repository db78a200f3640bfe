package org.connectorconsole.base;

import java.util.Objects;
import java.util.UUID;

/** The id of a person's account (one account may belong to several organizations). */
public record UserId(UUID value) {
    public UserId {
        Objects.requireNonNull(value, "value");
    }

    public static UserId random() {
        return new UserId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
