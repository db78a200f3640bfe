package org.connectorconsole.base;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Live updates across every console instance that shares the database: PostgreSQL's LISTEN/NOTIFY.
 *
 * <p>{@link #publish} sends {@code pg_notify} on the caller's connection, so inside a transaction the notification
 * is delivered when (and only if) the transaction commits; outside one, at once. Each instance holds one dedicated
 * connection (outside the pool) that LISTENs and hands every change to the subscribers of its organization on this
 * instance: all subscribers of that organization when the change is for everyone, otherwise those subscribed for
 * that member or for the whole organization. Views subscribe through {@code security.LiveUpdates}, which decides
 * the scope from the caller's membership. See docs/decisions/0048-live-pages-through-postgresql-notify.md.
 */
@Component
public class LiveChanges implements SmartLifecycle {

    static final String CHANNEL = "console_live";
    private static final Logger log = LoggerFactory.getLogger(LiveChanges.class);
    private static final int POLL_MILLIS = 500;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    /** Ends a subscription; safe to call twice. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** One subscription; its changes are handed over one at a time, in the order the database delivered them. */
    private final class Subscriber {
        final OrganizationId orgId;
        final UserId member;
        final Consumer<LiveChange> onChange;
        private final java.util.Queue<LiveChange> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

        Subscriber(OrganizationId orgId, UserId member, Consumer<LiveChange> onChange) {
            this.orgId = orgId;
            this.member = member;
            this.onChange = onChange;
        }

        boolean wants(LiveChange change) {
            return member == null || change.member() == null || member.equals(change.member());
        }

        void hand(LiveChange change) {
            queue.add(change);
            if (draining.compareAndSet(false, true)) {
                try {
                    delivery.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    draining.set(false); // stopping: nothing to hand over to
                }
            }
        }

        private void drain() {
            while (true) {
                LiveChange next;
                while ((next = queue.poll()) != null) {
                    try {
                        onChange.accept(next);
                    } catch (RuntimeException e) {
                        log.debug("A live update subscriber failed", e);
                    }
                }
                draining.set(false);
                if (queue.isEmpty() || !draining.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    private final DSLContext dsl;
    private final DataSource dataSource;
    private final Map<OrganizationId, Set<Subscriber>> subscribers = new ConcurrentHashMap<>();
    /** The instance's own work that hears every organization's changes (not pages): see {@link #subscribeInstance}. */
    private final Set<Subscriber> instanceWide = ConcurrentHashMap.newKeySet();
    private final Set<Consumer<LiveChange>> committedHere = ConcurrentHashMap.newKeySet();
    /** Made on each start: Spring stops and starts again a context it pauses (tests do), not only once. */
    private volatile ExecutorService delivery = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running;
    private volatile boolean listening;
    private volatile Thread listener;
    private volatile Connection connection;

    LiveChanges(DSLContext dsl, DataSource dataSource) {
        this.dsl = dsl;
        this.dataSource = dataSource;
    }

    /** Tells every instance's open pages of the change's organization; on commit when called in a transaction. */
    public void publish(LiveChange change) {
        if (change.topic() == LiveTopic.RESYNC) {
            throw new IllegalArgumentException("RESYNC is the listener's own signal");
        }
        dsl.fetch("select pg_notify(?, ?)", CHANNEL, change.payload());
        if (!committedHere.isEmpty()) {
            AfterCommit.run(() -> tellCommittedHere(change));
        }
    }

    /**
     * Calls {@code onChange} on the committing thread, right after the commit, for every change published on this
     * instance (never for one rolled back); changes of other instances come through {@link #subscribeInstance} as
     * usual. For caches that must not serve what this instance has just changed (the navigation's counts), never for
     * a page. The same change is heard again through {@link #subscribeInstance} when the database delivers it.
     */
    public Subscription subscribeCommittedHere(Consumer<LiveChange> onChange) {
        committedHere.add(onChange);
        return () -> committedHere.remove(onChange);
    }

    private void tellCommittedHere(LiveChange change) {
        for (Consumer<LiveChange> c : committedHere) {
            try {
                c.accept(change);
            } catch (RuntimeException e) {
                log.debug("A committed-here subscriber failed", e);
            }
        }
    }

    /**
     * Calls {@code onChange} (on a thread of its own, never the caller's) for every change in {@code orgId} that is
     * for everyone, or for {@code member}; every change in the organization when {@code member} is null. Callers
     * decide the scope after checking who asks: only {@code security.LiveUpdates} should call this.
     */
    public Subscription subscribe(OrganizationId orgId, UserId member, Consumer<LiveChange> onChange) {
        Subscriber s = new Subscriber(orgId, member, onChange);
        subscribers.computeIfAbsent(orgId, k -> ConcurrentHashMap.newKeySet()).add(s);
        return () -> subscribers.computeIfPresent(orgId, (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Calls {@code onChange} (on a thread of its own) for every change of every organization, and with a
     * {@link LiveTopic#RESYNC} change (organization null) when the listener reconnected and may have missed some. For
     * the instance's own work that must follow changes made on other instances (the kill switch stopping running
     * calls, decision 0064), never for a page: it hears no member's scope and must re-read through its own checks.
     */
    public Subscription subscribeInstance(Consumer<LiveChange> onChange) {
        Subscriber s = new Subscriber(null, null, onChange);
        instanceWide.add(s);
        return () -> instanceWide.remove(s);
    }

    /** Subscriptions open on this instance (all organizations): what a test of "unsubscribed on detach" reads. */
    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** Whether this instance's listener is connected and LISTENing now. */
    public boolean listening() {
        return listening;
    }

    void deliver(LiveChange change) {
        instanceWide.forEach(s -> s.hand(change));
        Set<Subscriber> set = subscribers.get(change.orgId());
        if (set == null) {
            return;
        }
        for (Subscriber s : set) {
            if (s.wants(change)) {
                s.hand(change);
            }
        }
    }

    private void resyncAll() {
        subscribers.values().forEach(set -> set.forEach(s -> s.hand(new LiveChange(s.orgId, null, LiveTopic.RESYNC))));
        instanceWide.forEach(s -> s.hand(new LiveChange(null, null, LiveTopic.RESYNC)));
    }

    private void listen() {
        long backoff = 100;
        boolean missed = false;
        while (running && listener == Thread.currentThread()) {
            try (Connection c = openDedicated()) {
                connection = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening = true;
                backoff = 100;
                if (missed) {
                    log.info("Live updates: listening again; open pages re-read once");
                    resyncAll();
                    missed = false;
                }
                while (running && listener == Thread.currentThread()) {
                    PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        LiveChange.parse(n.getParameter()).ifPresent(this::deliver);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                listening = false;
                connection = null;
                if (!running || listener != Thread.currentThread()) {
                    break;
                }
                if (!missed) {
                    log.warn("Live updates: lost the database listener ({}); open pages do not update until it "
                            + "reconnects", e.toString());
                    log.debug("Live updates: the listener's failure", e);
                }
                missed = true;
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
        listening = false;
    }

    /** A connection of its own, outside the pool, with the pool's settings; a pooled one held for good otherwise. */
    private Connection openDedicated() throws SQLException {
        if (dataSource instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null) {
            Properties props = new Properties();
            props.putAll(hikari.getDataSourceProperties());
            if (hikari.getUsername() != null) {
                props.setProperty("user", hikari.getUsername());
            }
            if (hikari.getPassword() != null) {
                props.setProperty("password", hikari.getPassword());
            }
            props.setProperty("ApplicationName", "connector-console live updates");
            Connection c = DriverManager.getConnection(hikari.getJdbcUrl(), props);
            c.setAutoCommit(true);
            return c;
        }
        Connection c = dataSource.getConnection();
        c.setAutoCommit(true);
        return c;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        if (delivery.isShutdown()) {
            delivery = Executors.newVirtualThreadPerTaskExecutor();
        }
        running = true;
        Thread t = Thread.ofPlatform().daemon().name("live-updates-listener").unstarted(this::listen);
        listener = t;
        t.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        Thread t = listener;
        if (t != null) {
            try {
                t.join(POLL_MILLIS * 4L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                Connection c = connection;
                if (c != null) {
                    try {
                        c.close();
                    } catch (SQLException ignored) {
                        // closing to end a listener that did not stop in time
                    }
                }
            }
        }
        delivery.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
