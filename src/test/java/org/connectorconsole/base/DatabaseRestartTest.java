package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTOR;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.auditlog.AuditLogService;
import org.connectorconsole.base.ui.UiErrorHandlingAccess;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.ConsoleInstance;
import org.connectorconsole.support.FreePorts;
import org.connectorconsole.support.TestOrganizations;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionException;

/**
 * PostgreSQL restarted under a running console: requests fail with a clear error within the pool's connection
 * timeout instead of hanging, the console recovers on its own once the database is back (no restart), and a
 * change interrupted by the outage leaves nothing half-written: neither the connector row nor its audit event.
 * The database is an embedded PostgreSQL on a fixed port and data folder, so it can come back where it was.
 * <p>
 * Deterministic on a loaded machine: the outage begins only once the add's own session (found by its pid, not
 * "some session waits for a lock") has written its connector row and waits for the chain head the test holds;
 * the outage ends the add's session first (see {@link #endSession}); a stop counts only once the postmaster has
 * really exited; and whatever fails, the database is running again, with the console's pool rid of connections
 * that died with it, before the console closes, so the data the console wrote is inspected for readable
 * secrets as every test database is ({@link org.connectorconsole.support.SuiteDatabases}) and no other class
 * finds it stopped.
 */
class DatabaseRestartTest {

    private static final Duration POOL_TIMEOUT = Duration.ofSeconds(5);
    /** The bound for every wait: only a hang or a missed event reaches it, a loaded 2-core machine does not. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The console's sessions carry this application name; the test's own sessions do not. */
    private static final String CONSOLE_SESSIONS = "console-under-restart";

    @Test
    void console_fails_cleanly_while_the_database_is_down_and_recovers_without_a_restart() throws Exception {
        RestartableDatabase database = new RestartableDatabase(
                Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-pg"),
                FreePorts.outsideEphemeralRange());
        ConsoleInstance console = null;
        Connection blocker = null;
        CompletableFuture<Object> interrupted = null;
        Throwable failure = null;
        try {
            database.start();
            console = ConsoleInstance.start(database.jdbcUrl() + "&ApplicationName=" + CONSOLE_SESSIONS,
                    SecretSealer.newKeysetJson(),
                    "--spring.datasource.hikari.connection-timeout=" + POOL_TIMEOUT.toMillis());
            TestOrganizations orgs = console.bean(TestOrganizations.class);
            ConnectorService connectors = console.bean(ConnectorService.class);
            DSLContext db = console.bean(DSLContext.class);
            TestOrganizations.Org org = orgs.create(Plan.TEAM, 0);
            Authentication owner = orgs.signIn(org.owner());
            Connector before = connectors.add(ConnectorForm.of("Before the outage", "https://before.example/mcp"));

            // An owner's add stops half-way: the connector row is written, then the audit event waits for the
            // chain head, which another session holds. Then the database goes away.
            blocker = database.connection();
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("select * from audit_chain_head where org_id = '" + org.id().value()
                    + "' for update");
            int blockerPid = backendPid(blocker);
            interrupted = CompletableFuture.supplyAsync(() -> {
                SecurityContextHolder.getContext().setAuthentication(owner);
                try {
                    return connectors.add(ConnectorForm.of("Interrupted", "https://interrupted.example/mcp"));
                } catch (RuntimeException e) {
                    return e;
                } finally {
                    SecurityContextHolder.clearContext();
                }
            });
            int addPid = awaitAddWaitingFor(database, blockerPid, interrupted);
            System.out.printf("the add's session (backend %d) wrote its connector row and waits for the chain "
                    + "head held by backend %d%n", addPid, blockerPid);
            endSession(database, addPid);
            long t0 = System.nanoTime();
            database.stop(); // pg_ctl stop -m fast: every other session ends, the open transactions with them
            System.out.printf("database stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            closeQuietly(blocker); // its server is gone
            Object outcome = interrupted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            // the add fails (its connection ended mid-transaction: the statement or the rollback reports it)
            assertThat(outcome).as("the interrupted add failed")
                    .isInstanceOfAny(DataAccessException.class, TransactionException.class);

            // While it is down: a clear error within the pool's bound, not a hang. A request may still get a pooled
            // connection that died with the server (Hikari skips its liveness check for a connection used in the
            // last 500 ms); its statement or rollback fails and the pool discards it. Once the dead ones are gone
            // the pool reports that it cannot connect. Every request fails within the bound (plus slack for a
            // loaded machine; a hang, e.g. a TCP timeout, takes minutes), and the page says the database is
            // unreachable.
            int poolSize = console.bean(javax.sql.DataSource.class)
                    .unwrap(com.zaxxer.hikari.HikariDataSource.class).getMaximumPoolSize();
            Throwable down = null;
            for (int attempt = 0; attempt <= poolSize + 1; attempt++) {
                long start = System.nanoTime();
                down = null;
                try {
                    connectors.list();
                } catch (RuntimeException e) {
                    down = e;
                }
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(down).as("request " + attempt + " while the database is down")
                        .isInstanceOfAny(DataAccessException.class, TransactionException.class);
                assertThat(took).isLessThan(POOL_TIMEOUT.plusSeconds(25));
                assertThat(UiErrorHandlingAccess.messageFor(down)).startsWith("The console cannot reach its "
                        + "database right now. Try again in a minute; if it persists, tell your administrator "
                        + "(reference ");
                System.out.printf("database down: %s after %d ms: %s%n", down.getClass().getSimpleName(),
                        took.toMillis(), rootMessage(down));
                if (down instanceof CannotCreateTransactionException) {
                    break;
                }
            }
            assertThat(down).as("after at most %d dead pooled connections, the pool reports it cannot connect",
                    poolSize).isInstanceOf(CannotCreateTransactionException.class);
            assertThat(rootMessage(down)).startsWith("Could not open JDBC Connection for transaction")
                    .containsAnyOf("Connection refused", "Connection is not available");

            // Back on the same port and data: the same console serves again, no restart
            long t1 = System.nanoTime();
            database.start();
            System.out.printf("database started again in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            List<Connector> after = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (after == null && System.nanoTime() < deadline) {
                try {
                    after = connectors.list();
                } catch (DataAccessException e) {
                    Thread.sleep(200);
                }
            }
            assertThat(after).as("the console serves again").isNotNull();
            System.out.printf("console served again %d ms after the database started%n",
                    (System.nanoTime() - t1) / 1_000_000);
            assertThat(after).extracting(Connector::name).containsExactly(before.name());
            // nothing half-written: no interrupted row, no event for it
            assertThat(db.fetchCount(CONNECTOR, CONNECTOR.URL.eq("https://interrupted.example/mcp"))).isZero();
            assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                    .and(AUDIT_EVENT.TARGET_LABEL.eq("Interrupted")))).isZero();
            // it writes again, and the organization's audit chain is whole
            connectors.add(ConnectorForm.of("After the outage", "https://after.example/mcp"));
            assertThat(console.bean(AuditLogService.class).verify().intact()).isTrue();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            TestOrganizations.signOut();
            List<Throwable> problems = new ArrayList<>();
            Connection heldLock = blocker;
            CompletableFuture<Object> add = interrupted;
            ConsoleInstance running = console;
            // a failure before the stop leaves the add waiting: ending the blocker's transaction lets it finish
            cleanUp(problems, () -> closeQuietly(heldLock));
            if (add != null) {
                cleanUp(problems, () -> add.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            if (running != null) {
                // the console's database must be up while the console closes: SuiteDatabases inspects the data
                // this console wrote then (the sealed-data check), and would otherwise find it stopped or be
                // handed a pooled connection that died with it (Hikari skips its check for one used < 500 ms ago)
                cleanUp(problems, database::startIfStopped);
                cleanUp(problems, () -> running.bean(javax.sql.DataSource.class)
                        .unwrap(com.zaxxer.hikari.HikariDataSource.class).getHikariPoolMXBean()
                        .softEvictConnections());
                cleanUp(problems, running::close);
            }
            cleanUp(problems, database::stop);
            if (failure != null) {
                problems.forEach(failure::addSuppressed);
            } else if (!problems.isEmpty()) {
                AssertionError cleanUpFailed = new AssertionError("cleaning up after the test failed",
                        problems.getFirst());
                problems.stream().skip(1).forEach(cleanUpFailed::addSuppressed);
                throw cleanUpFailed;
            }
        }
    }

    /**
     * Until the console's add is half-way, and returns its session's pid: the one console session that waits for a
     * lock the blocker holds ({@code pg_blocking_pids}) while holding the lock its connector insert took. Another
     * session's wait (a second console session, autovacuum, the test's own) does not count.
     */
    private static int awaitAddWaitingFor(RestartableDatabase database, int blockerPid,
            CompletableFuture<Object> add) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Integer> found = List.of();
        try (Connection c = database.connection();
                PreparedStatement waiting = c.prepareStatement("""
                        select a.pid from pg_stat_activity a
                         where a.application_name = ?
                           and a.wait_event_type = 'Lock'
                           and ? = any(pg_blocking_pids(a.pid))
                           and exists (select 1 from pg_locks l
                                        where l.pid = a.pid and l.granted and l.locktype = 'relation'
                                          and l.relation = 'connector'::regclass and l.mode = 'RowExclusiveLock')
                        """)) {
            waiting.setString(1, CONSOLE_SESSIONS);
            waiting.setInt(2, blockerPid);
            while (System.nanoTime() < deadline) {
                if (add.isDone()) {
                    throw new AssertionError("the add ended before it waited for the chain head: " + add.get());
                }
                found = new ArrayList<>();
                try (ResultSet rs = waiting.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getInt(1));
                    }
                }
                if (found.size() == 1) {
                    return found.getFirst();
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the add never waited for the chain head held by backend " + blockerPid
                + " within " + WAIT.toSeconds() + " s (sessions found: " + found + ")");
    }

    /**
     * Ends the add's session as the stop would (pg_terminate_backend sends the same SIGTERM as {@code pg_ctl stop
     * -m fast}) and waits until it is gone. The stop alone signals every session in an order the test cannot
     * choose: when the blocker's session ends first, its lock passes to the add, which can then commit before its
     * own end arrives. Seen on a loaded machine (issue 15, and once more in this suite at load ~9 with the add's
     * session found by pid): the interrupted add was committed. Ending the add's session first makes the outage
     * reach the add mid-transaction every time.
     */
    private static void endSession(RestartableDatabase database, int pid) throws Exception {
        try (Connection c = database.connection();
                PreparedStatement terminate = c.prepareStatement("select pg_terminate_backend(?, ?)")) {
            terminate.setInt(1, pid);
            terminate.setLong(2, WAIT.toMillis()); // waits until the session has ended
            try (ResultSet rs = terminate.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new AssertionError("the add's session (backend " + pid + ") did not end within "
                            + WAIT.toSeconds() + " s");
                }
            }
        }
    }

    private static int backendPid(Connection connection) throws Exception {
        try (ResultSet rs = connection.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (Exception ignored) {
            // its server may be gone
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void cleanUp(List<Throwable> problems, Step step) {
        try {
            step.run();
        } catch (Throwable t) {
            problems.add(t);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return t.getMessage() + " / " + root.getMessage();
    }

    /**
     * The test's PostgreSQL on a fixed data folder and port, stopped and started again in place. A stop counts
     * once the postmaster has exited: zonky's {@code close()} gives {@code pg_ctl stop} 5 s and only logs when
     * that is not enough (a shutdown checkpoint on a loaded machine can take longer), and a start on the same
     * folder while the old postmaster still runs fails.
     */
    private static final class RestartableDatabase {

        private final Path dir;
        private final int port;
        private EmbeddedPostgres running;

        RestartableDatabase(Path dir, int port) {
            this.dir = dir;
            this.port = port;
        }

        void start() throws Exception {
            if (running != null) {
                throw new IllegalStateException("already running");
            }
            running = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1").setPGStartupWait(WAIT).start();
        }

        void startIfStopped() throws Exception {
            if (running == null) {
                start();
            }
        }

        String jdbcUrl() {
            return running.getJdbcUrl("postgres", "postgres");
        }

        Connection connection() throws Exception {
            return running.getPostgresDatabase().getConnection();
        }

        void stop() throws Exception {
            if (running == null) {
                return;
            }
            EmbeddedPostgres stopping = running;
            running = null;
            stopping.close();
            Path pidFile = dir.resolve("postmaster.pid");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (Files.exists(pidFile)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("PostgreSQL in " + dir + " did not stop within " + WAIT.toSeconds()
                            + " s");
                }
                Thread.sleep(100);
            }
        }
    }
}
