package org.connectorconsole.connector;

import java.util.Objects;
import java.util.UUID;

public record ConnectorId(UUID value) {
    public ConnectorId {
        Objects.requireNonNull(value, "value");
    }

    public static ConnectorId random() {
        return new ConnectorId(UUID.randomUUID());
    }

    /** Parses an id from a URL; empty when it is not one. */
    public static java.util.Optional<ConnectorId> parse(String text) {
        try {
            return java.util.Optional.of(new ConnectorId(UUID.fromString(text)));
        } catch (IllegalArgumentException | NullPointerException e) {
            return java.util.Optional.empty();
        }
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
