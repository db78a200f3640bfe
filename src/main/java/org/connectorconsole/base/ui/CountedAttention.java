package org.connectorconsole.base.ui;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A {@link NavAttention} that counts what waits: asked for the signed-in person, it shows nothing when they may not
 * act on it or nothing waits, else the count with a sentence in the singular or the plural. A feature's subclass
 * gives only its path, who may act, the count and the words.
 */
public abstract class CountedAttention implements NavAttention {

    private final String path;
    private final BooleanSupplier mayAct;
    private final LongSupplier count;
    private final String one;
    private final String many;

    /**
     * @param mayAct whether the signed-in person may act on what waits (asked first; the count is not asked when not)
     * @param one the sentence for one ("1 tool waits for your review")
     * @param many the sentence for more, with {@code %d} for the count ("%d tools wait for your review")
     */
    protected CountedAttention(String path, BooleanSupplier mayAct, LongSupplier count, String one, String many) {
        this.path = path;
        this.mayAct = mayAct;
        this.count = count;
        this.one = one;
        this.many = many;
    }

    @Override
    public final String path() {
        return path;
    }

    @Override
    public final Optional<Waiting> waiting() {
        if (!mayAct.getAsBoolean()) {
            return Optional.empty();
        }
        long n = count.getAsLong();
        return n == 0 ? Optional.empty() : Optional.of(new Waiting(n, n == 1 ? one : many.formatted(n)));
    }
}
