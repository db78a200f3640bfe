package org.connectorconsole.base;

import java.util.Objects;
import java.util.UUID;

/** The id of an organization: the scope of every connector, connection and audit event. */
public record OrganizationId(UUID value) {
    public OrganizationId {
        Objects.requireNonNull(value, "value");
    }

    public static OrganizationId random() {
        return new OrganizationId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
