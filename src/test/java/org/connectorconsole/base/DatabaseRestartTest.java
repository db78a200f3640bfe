package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTOR;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.auditlog.AuditLogService;
import org.connectorconsole.base.ui.UiErrorHandlingAccess;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.ConsoleInstance;
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
 */
class DatabaseRestartTest {

    private static final Duration POOL_TIMEOUT = Duration.ofSeconds(5);

    private static EmbeddedPostgres postgres(Path dir, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    @Test
    void console_fails_cleanly_while_the_database_is_down_and_recovers_without_a_restart() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-pg");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        EmbeddedPostgres pg = postgres(dir, port);
        String jdbc = pg.getJdbcUrl("postgres", "postgres");
        try (ConsoleInstance console = ConsoleInstance.start(jdbc, SecretSealer.newKeysetJson(),
                "--spring.datasource.hikari.connection-timeout=" + POOL_TIMEOUT.toMillis())) {
            TestOrganizations orgs = console.bean(TestOrganizations.class);
            ConnectorService connectors = console.bean(ConnectorService.class);
            DSLContext db = console.bean(DSLContext.class);
            TestOrganizations.Org org = orgs.create(Plan.TEAM, 0);
            Authentication owner = orgs.signIn(org.owner());
            Connector before = connectors.add(ConnectorForm.of("Before the outage", "https://before.example/mcp"));

            // An owner's add stops half-way: the connector row is written, then the audit event waits for the
            // chain head, which another session holds. Then the database goes away.
            Connection blocker = pg.getPostgresDatabase().getConnection();
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("select * from audit_chain_head where org_id = '" + org.id().value()
                    + "' for update");
            CompletableFuture<Object> interrupted = CompletableFuture.supplyAsync(() -> {
                SecurityContextHolder.getContext().setAuthentication(owner);
                try {
                    return connectors.add(ConnectorForm.of("Interrupted", "https://interrupted.example/mcp"));
                } catch (RuntimeException e) {
                    return e;
                }
            });
            waitForLockWait(pg);
            long t0 = System.nanoTime();
            pg.close();
            System.out.printf("database stopped in %d ms%n", (System.nanoTime() - t0) / 1_000_000); // pg_ctl stop -m fast: every session ends, the open transactions with them
            try {
                blocker.close();
            } catch (Exception ignored) {
                // its server is gone
            }
            Object outcome = interrupted.get(30, TimeUnit.SECONDS);
            // the add fails (its connection ended mid-transaction: the statement or the rollback reports it)
            assertThat(outcome).as("the interrupted add failed")
                    .isInstanceOfAny(DataAccessException.class, TransactionException.class);

            // While it is down: a clear error within the pool's bound, not a hang. A request may still get a pooled
            // connection that died with the server (Hikari skips its liveness check for a connection used in the
            // last 500 ms); its statement or rollback fails and the pool discards it. Once the dead ones are gone
            // the pool reports that it cannot connect. Every request fails within the bound, and the page says the
            // database is unreachable.
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
                assertThat(took).isLessThan(POOL_TIMEOUT.plusSeconds(10));
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
            pg = postgres(dir, port);
            System.out.printf("database started again in %d ms%n", (System.nanoTime() - t1) / 1_000_000);
            List<Connector> after = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
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
            assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id().value())
                    .and(AUDIT_EVENT.TARGET_LABEL.eq("Interrupted")))).isZero();
            // it writes again, and the organisation's audit chain is whole
            connectors.add(ConnectorForm.of("After the outage", "https://after.example/mcp"));
            assertThat(console.bean(AuditLogService.class).verify().intact()).isTrue();
            TestOrganizations.signOut();
        } finally {
            pg.close();
        }
    }

    /** Until the add's audit insert is waiting for the chain head lock. */
    private static void waitForLockWait(EmbeddedPostgres pg) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            while (System.nanoTime() < deadline) {
                try (var rs = c.createStatement().executeQuery("select count(*) from pg_stat_activity "
                        + "where wait_event_type = 'Lock' and state = 'active'")) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the add never waited for the chain head");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return t.getMessage() + " / " + root.getMessage();
    }
}
