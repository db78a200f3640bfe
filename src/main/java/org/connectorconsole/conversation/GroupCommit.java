package org.connectorconsole.conversation;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit (decision 0068): pieces of work of one key (an organization) that arrive while another is being
 * committed are done together in the next transaction, by the thread of the first of them; each caller gets its own
 * result only after that transaction committed, so nothing is answered before it is stored. Alone, a piece of work
 * runs in a transaction of its own at once (no waiting for company). When a transaction of several fails, each of
 * its pieces is done again in a transaction of its own, so one bad piece fails only its own caller.
 *
 * @param <K> what groups the work (one group's transactions run one after another)
 * @param <I> one caller's piece of work
 * @param <R> its result
 */
final class GroupCommit<K, I, R> {

    private final TransactionTemplate tx;
    private final Function<List<I>, List<R>> work;
    private final int maxBatch;
    private final ConcurrentHashMap<K, Lane> lanes = new ConcurrentHashMap<>();

    /** {@code work} does the pieces in order inside the transaction it is called in, one result per piece. */
    GroupCommit(TransactionTemplate tx, int maxBatch, Function<List<I>, List<R>> work) {
        this.tx = tx;
        this.work = work;
        this.maxBatch = maxBatch;
    }

    private final class Lane {
        final ArrayDeque<Waiter> pending = new ArrayDeque<>();
        /** A thread is committing this lane's work (true whenever {@code pending} is not empty). */
        boolean busy;
    }

    private final class Waiter {
        final I item;
        /** Completed true when done by another thread, false when this waiter is to do the lane's next batch. */
        final CompletableFuture<Boolean> signal = new CompletableFuture<>();
        R result;
        Throwable error;

        Waiter(I item) {
            this.item = item;
        }
    }

    /** Does {@code item} in a committed transaction (perhaps with others of {@code key}'s) and returns its result. */
    R run(K key, I item) {
        Lane lane = lanes.computeIfAbsent(key, k -> new Lane());
        Waiter own = new Waiter(item);
        boolean lead;
        synchronized (lane) {
            lane.pending.add(own);
            lead = !lane.busy;
            lane.busy = true;
        }
        if (lead || !own.signal.join()) {
            lead(lane, own);
        }
        if (own.error instanceof RuntimeException e) {
            throw e;
        }
        if (own.error instanceof Error e) {
            throw e;
        }
        return own.result;
    }

    /** Pieces of {@code key}'s waiting for a transaction (for tests). */
    int waiting(K key) {
        Lane lane = lanes.get(key);
        if (lane == null) {
            return 0;
        }
        synchronized (lane) {
            return lane.pending.size();
        }
    }

    /** Commits the lane's waiting work (own first), then hands the lane to the next waiter or leaves it idle. */
    private void lead(Lane lane, Waiter own) {
        List<Waiter> batch = new ArrayList<>();
        synchronized (lane) {
            while (!lane.pending.isEmpty() && batch.size() < maxBatch) {
                batch.add(lane.pending.poll());
            }
        }
        try {
            commit(batch);
        } finally {
            Waiter next;
            synchronized (lane) {
                next = lane.pending.peek();
                if (next == null) {
                    lane.busy = false;
                }
            }
            if (next != null) {
                next.signal.complete(false);
            }
            for (Waiter w : batch) {
                if (w != own) {
                    w.signal.complete(true);
                }
            }
        }
    }

    private void commit(List<Waiter> batch) {
        try {
            List<R> results = tx.execute(s -> work.apply(batch.stream().map(w -> w.item).toList()));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result = results.get(i);
            }
            return;
        } catch (RuntimeException | Error e) {
            if (batch.size() == 1) {
                batch.getFirst().error = e;
                return;
            }
        }
        // one of them failed the transaction: each again, alone
        for (Waiter w : batch) {
            try {
                w.result = tx.execute(s -> work.apply(List.of(w.item))).getFirst();
            } catch (RuntimeException | Error e) {
                w.error = e;
            }
        }
    }
}
