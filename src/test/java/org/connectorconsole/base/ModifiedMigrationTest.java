package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.connectorconsole.Application;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Flyway refuses to start on an applied migration that was changed afterwards: the migrations are applied to a
 * fresh PostgreSQL, then the console itself is started against that database with a copy of the migrations in
 * which one applied file differs by a comment. It must not start, and the error names the migration.
 */
class ModifiedMigrationTest {

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    private static Path copyOfMigrations(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("db/migration"))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    @Test
    void console_does_not_start_when_an_applied_migration_was_changed(@TempDir Path dir) throws IOException {
        Path migrations = copyOfMigrations(dir);
        Flyway.configure().dataSource(postgres.getPostgresDatabase())
                .locations("filesystem:" + migrations).load().migrate();

        Path second = migrations.resolve("V2__connectors.sql");
        Files.writeString(second, Files.readString(second) + "\n-- a harmless-looking edit after release\n");

        // the plain Flyway check, as any tool would run it
        assertThatThrownBy(() -> Flyway.configure().dataSource(postgres.getPostgresDatabase())
                .locations("filesystem:" + migrations).load().validate())
                .isInstanceOf(FlywayValidateException.class)
                .hasMessageContaining("Migration checksum mismatch for migration version 2")
                .hasMessageContaining("Either revert the changes to the migration");

        // and the console itself, started on that database with the edited migrations: it refuses to start
        SpringApplication app = new SpringApplication(Application.class);
        String jdbc = postgres.getJdbcUrl("postgres", "postgres");
        Throwable failure = null;
        try (ConfigurableApplicationContext ignored = app.run(
                "--spring.datasource.url=" + jdbc, "--spring.datasource.username=postgres",
                "--spring.flyway.locations=filesystem:" + migrations,
                "--console.sealing.keyset=" + SecretSealer.newKeysetJson(),
                "--server.port=0", "--spring.main.banner-mode=off", "--vaadin.devmode.devTools.enabled=false")) {
            // reaching here means it started: the assertion below fails
        } catch (RuntimeException e) {
            failure = e;
        }
        assertThat(failure).as("the console started on a changed migration").isNotNull();
        Throwable root = failure;
        while (!(root instanceof FlywayValidateException) && root.getCause() != null) {
            root = root.getCause();
        }
        assertThat(root).isInstanceOf(FlywayValidateException.class)
                .hasMessageContaining("Migration checksum mismatch for migration version 2");
    }

    @Test
    void unchanged_migrations_validate(@TempDir Path dir) throws IOException {
        // the control: the same steps without the edit pass, so the failure above is the edit's doing
        try (EmbeddedPostgres fresh = EmbeddedPostgres.builder().start()) {
            Path migrations = copyOfMigrations(dir);
            Flyway flyway = Flyway.configure().dataSource(fresh.getPostgresDatabase())
                    .locations("filesystem:" + migrations).load();
            flyway.migrate();
            flyway.validate();
            assertThat(flyway.info().applied()).hasSizeGreaterThanOrEqualTo(4);
        }
    }
}
