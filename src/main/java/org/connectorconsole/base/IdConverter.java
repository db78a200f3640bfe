package org.connectorconsole.base;

import java.util.UUID;
import java.util.function.Function;
import org.jooq.impl.AbstractConverter;

/**
 * Lets jOOQ's generated classes read and write a uuid column as an id record, so repositories need no
 * {@code .value()}. pom.xml's forced types name one subclass per id ({@link OrganizationIdConverter},
 * {@link UserIdConverter}): jOOQ makes it with its constructor without arguments.
 */
public abstract class IdConverter<T> extends AbstractConverter<UUID, T> {

    private final Function<UUID, T> wrap;
    private final Function<T, UUID> unwrap;

    protected IdConverter(Class<T> type, Function<UUID, T> wrap, Function<T, UUID> unwrap) {
        super(UUID.class, type);
        this.wrap = wrap;
        this.unwrap = unwrap;
    }

    @Override
    public final T from(UUID value) {
        return value == null ? null : wrap.apply(value);
    }

    @Override
    public final UUID to(T id) {
        return id == null ? null : unwrap.apply(id);
    }
}
