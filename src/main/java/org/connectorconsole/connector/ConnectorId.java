package org.connectorconsole.connector;

import java.util.Objects;
import java.util.UUID;
import org.connectorconsole.base.Ids;

public record ConnectorId(UUID value) {
    public ConnectorId {
        Objects.requireNonNull(value, "value");
    }

    public static ConnectorId random() {
        return new ConnectorId(UUID.randomUUID());
    }

    /** Parses an id from a URL; empty when it is not one. */
    public static java.util.Optional<ConnectorId> parse(String text) {
        return Ids.parse(text, ConnectorId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
