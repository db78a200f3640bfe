package org.connectorconsole.group;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.base.Ids;

/** A group of an organization's members. */
public record GroupId(UUID value) {
    public GroupId {
        Objects.requireNonNull(value, "value");
    }

    public static GroupId random() {
        return new GroupId(UUID.randomUUID());
    }

    /** Parses an id from a URL; empty when it is not one. */
    public static Optional<GroupId> parse(String text) {
        return Ids.parse(text, GroupId::new);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
