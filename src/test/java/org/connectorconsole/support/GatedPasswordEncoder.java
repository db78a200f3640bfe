package org.connectorconsole.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The console's real password encoder with a gate in front of the work for chosen passwords (a check with
 * {@code matches}, a hash with {@code encode}), so a test can hold many requests inside that expensive step at
 * once and count how many got there, without relying on timing. Passwords without a gate pass straight through.
 */
public final class GatedPasswordEncoder implements PasswordEncoder {

    /** Replaces the encoder in a test's context (tests that import it share one context). */
    @TestConfiguration
    public static class Configuration {
        @Bean
        @Primary
        GatedPasswordEncoder gatedPasswordEncoder(@Qualifier("passwordEncoder") PasswordEncoder real) {
            return new GatedPasswordEncoder(real);
        }
    }

    private final PasswordEncoder real;
    private final Map<String, Gate> gates = new ConcurrentHashMap<>();

    GatedPasswordEncoder(PasswordEncoder real) {
        this.real = real;
    }

    /** A closed gate for the work on this password, until {@link Gate#open()}. */
    public Gate closeFor(String rawPassword) {
        Gate gate = new Gate();
        gates.put(rawPassword, gate);
        return gate;
    }

    public void openAll() {
        gates.values().forEach(Gate::open);
        gates.clear();
    }

    @Override
    public String encode(CharSequence rawPassword) {
        pass(rawPassword);
        return real.encode(rawPassword);
    }

    @Override
    public boolean matches(CharSequence rawPassword, String encodedPassword) {
        pass(rawPassword);
        return real.matches(rawPassword, encodedPassword);
    }

    private void pass(CharSequence rawPassword) {
        Gate gate = rawPassword == null ? null : gates.get(rawPassword.toString());
        if (gate != null) {
            try {
                gate.enter();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Holds the work on one password until opened, and counts the calls. An attempt counts as settled for
     * {@link #awaitSettled} once it waits at the gate or has told {@link #attemptReturned()} it returned without
     * reaching it (or {@code alsoSettled} counts it, e.g. one waiting for a database lock).
     */
    public static final class Gate {
        private final List<Gate> parts;
        private final CountDownLatch opened = new CountDownLatch(1);
        private final AtomicInteger calls = new AtomicInteger();
        private final AtomicInteger counter = new AtomicInteger();
        private final Map<Thread, Boolean> waiting = new ConcurrentHashMap<>();
        private final Semaphore settled = new Semaphore(0);
        /** The gate that counts attempts, when this one is part of a combined gate. */
        private volatile Gate owner;

        Gate() {
            this.parts = List.of();
        }

        private Gate(List<Gate> parts) {
            this.parts = parts;
        }

        /** One gate counting attempts of several passwords, each still opened on its own. */
        public static Gate both(Gate a, Gate b) {
            Gate combined = new Gate(List.of(a, b));
            a.owner = combined;
            b.owner = combined;
            return combined;
        }

        /** A number unique to this gate, for telling attempts apart. */
        public int next() {
            return counter.incrementAndGet();
        }

        void enter() throws InterruptedException {
            calls.incrementAndGet();
            Gate counting = owner == null ? this : owner;
            counting.waiting.put(Thread.currentThread(), true);
            counting.settled.release();
            opened.await();
        }

        /** Called by every attempt when it returns, however it ended. */
        public void attemptReturned() {
            Gate counting = owner == null ? this : owner;
            if (counting.waiting.remove(Thread.currentThread()) == null) {
                counting.settled.release();
            }
        }

        public void awaitSettled(int attempts) throws InterruptedException {
            assertThat(settled.tryAcquire(attempts, 60, TimeUnit.SECONDS))
                    .as("every attempt reached the gate or returned").isTrue();
        }

        /**
         * Waits until {@code attempts} attempts have settled, counting also those {@code othersSettled} reports
         * (polled: a database lock wait cannot signal the test).
         */
        public void awaitSettled(int attempts, java.util.function.IntSupplier othersSettled)
                throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            BooleanSupplier done = () -> settled.availablePermits() + othersSettled.getAsInt() >= attempts;
            while (!done.getAsBoolean()) {
                assertThat(System.nanoTime()).as("every attempt reached the gate, a lock, or returned")
                        .isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }

        public int calls() {
            return parts.isEmpty() ? calls.get() : parts.stream().mapToInt(Gate::calls).sum();
        }

        public void open() {
            opened.countDown();
            parts.forEach(Gate::open);
        }
    }
}
