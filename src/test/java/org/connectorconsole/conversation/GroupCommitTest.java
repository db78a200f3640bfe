package org.connectorconsole.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/** Group commit of call ends (decision 0068), with a transaction manager that only counts commits and rollbacks. */
class GroupCommitTest {

    static final class CountingTransactions extends AbstractPlatformTransactionManager {
        final List<String> log = Collections.synchronizedList(new ArrayList<>());

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition d) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
            log.add("commit");
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
            log.add("rollback");
        }
    }

    @Test
    void work_arriving_during_a_commit_is_done_together_in_the_next_transaction() throws Exception {
        CountingTransactions transactions = new CountingTransactions();
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        GroupCommit<String, Integer, String> group = new GroupCommit<>(new TransactionTemplate(transactions), 64,
                items -> {
                    batches.add(items);
                    if (items.contains(0)) {
                        firstInside.countDown();
                        await(othersQueued);
                    }
                    return items.stream().map(i -> "done " + i).toList();
                });
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = pool.submit(() -> group.run("org", 0));
            await(firstInside);
            List<Future<String>> others = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                int n = i;
                others.add(pool.submit(() -> group.run("org", n)));
            }
            // the ten wait for the first's commit: none is answered before a transaction with it committed
            waitUntilWaiting(group, 10);
            assertThat(others).noneMatch(Future::isDone);
            othersQueued.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("done 0");
            for (int i = 0; i < others.size(); i++) {
                assertThat(others.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("done " + (i + 1));
            }
        }
        assertThat(batches.getFirst()).containsExactly(0);
        assertThat(batches).as("the ten queued during the first commit share the next transaction")
                .hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(11);
        assertThat(transactions.log).containsOnly("commit").hasSize(batches.size());
    }

    @Test
    void a_failing_piece_fails_only_its_own_caller() throws Exception {
        CountingTransactions transactions = new CountingTransactions();
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch othersQueued = new CountDownLatch(1);
        GroupCommit<String, Integer, String> group = new GroupCommit<>(new TransactionTemplate(transactions), 64,
                items -> {
                    if (items.contains(0)) {
                        firstInside.countDown();
                        await(othersQueued);
                    }
                    if (items.contains(2)) {
                        throw new IllegalStateException("piece 2 cannot be stored");
                    }
                    return items.stream().map(i -> "done " + i).toList();
                });
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = pool.submit(() -> group.run("org", 0));
            await(firstInside);
            List<Future<String>> others = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                int n = i;
                others.add(pool.submit(() -> group.run("org", n)));
            }
            waitUntilWaiting(group, 3);
            othersQueued.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("done 0");
            assertThat(others.get(0).get(30, TimeUnit.SECONDS)).isEqualTo("done 1");
            assertThat(others.get(2).get(30, TimeUnit.SECONDS)).isEqualTo("done 3");
            assertThatThrownBy(() -> others.get(1).get(30, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("piece 2 cannot be stored");
        }
        assertThat(transactions.log).contains("rollback");
    }

    private static void waitUntilWaiting(GroupCommit<String, Integer, String> group, int count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (group.waiting("org") < count) {
            assertThat(System.nanoTime()).as("pieces queued behind the first").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
