package org.connectorconsole.base;

import java.util.UUID;
import org.jooq.impl.AbstractConverter;

/**
 * Lets jOOQ's generated classes read and write the uuid columns holding an organization's id as
 * {@link OrganizationId} (the forced type in pom.xml names it), so repositories need no {@code .value()}.
 */
public final class OrganizationIdConverter extends AbstractConverter<UUID, OrganizationId> {

    public OrganizationIdConverter() {
        super(UUID.class, OrganizationId.class);
    }

    @Override
    public OrganizationId from(UUID value) {
        return value == null ? null : new OrganizationId(value);
    }

    @Override
    public UUID to(OrganizationId id) {
        return id == null ? null : id.value();
    }
}
