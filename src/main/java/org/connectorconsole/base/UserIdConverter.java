package org.connectorconsole.base;

import java.util.UUID;
import org.jooq.impl.AbstractConverter;

/**
 * Lets jOOQ's generated classes read and write the uuid columns holding a person's account id as {@link UserId}
 * (the forced type in pom.xml names it), so repositories need no {@code .value()}.
 */
public final class UserIdConverter extends AbstractConverter<UUID, UserId> {

    public UserIdConverter() {
        super(UUID.class, UserId.class);
    }

    @Override
    public UserId from(UUID value) {
        return value == null ? null : new UserId(value);
    }

    @Override
    public UUID to(UserId id) {
        return id == null ? null : id.value();
    }
}
