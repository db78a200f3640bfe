package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL the console starts without a configured database: loopback only, on the port one sets,
 * and no connection without the password generated on the first start and kept beside the data (owner-only). A
 * data folder from before passwords were required is switched over on its next start, its data kept.
 */
class EmbeddedDatabasePasswordTest {

    private final EmbeddedDatabaseConfiguration configuration = new EmbeddedDatabaseConfiguration();

    @Test
    void a_new_embedded_database_refuses_a_connection_without_its_password(@TempDir Path root) throws Exception {
        Path data = root.resolve("postgres");
        try (EmbeddedPostgres pg = configuration.embeddedPostgres(data.toString(), 0, false)) {
            Path passwordFile = root.resolve("postgres-password");
            assertThat(Files.getPosixFilePermissions(passwordFile))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String password = Files.readString(passwordFile).strip();

            assertRefused(pg.getPort(), null);
            assertRefused(pg.getPort(), "not-the-password-at-all");
            try (Connection c = connect(pg.getPort(), password); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SHOW listen_addresses")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("127.0.0.1");
            }
            assertThat(Files.readAllLines(data.resolve("pg_hba.conf")))
                    .filteredOn(line -> !line.isBlank() && !line.strip().startsWith("#"))
                    .isNotEmpty()
                    .noneMatch(line -> line.contains("trust"));
        }
    }

    @Test
    void the_password_survives_a_restart_and_the_port_is_the_one_set(@TempDir Path root) throws Exception {
        Path data = root.resolve("postgres");
        try (EmbeddedPostgres first = configuration.embeddedPostgres(data.toString(), 0, false);
                Connection c = connect(first.getPort(), password(root)); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
        }
        int port = freePort();
        try (EmbeddedPostgres again = configuration.embeddedPostgres(data.toString(), port, false)) {
            assertThat(again.getPort()).isEqualTo(port);
            assertRefused(port, null);
            assertThat(readKept(port, password(root))).isEqualTo("still here");
        }
    }

    @Test
    void a_data_folder_that_trusted_every_local_connection_requires_the_password_from_its_next_start(@TempDir Path root)
            throws Exception {
        Path data = root.resolve("postgres");
        // as the console created it before passwords were required: zonky's defaults, initdb -A trust
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
                Connection c = old.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            try (Connection withoutPassword = connect(old.getPort(), null)) {
                assertThat(withoutPassword.isValid(5)).as("trusted before").isTrue();
            }
        }
        try (EmbeddedPostgres upgraded = configuration.embeddedPostgres(data.toString(), 0, false)) {
            assertRefused(upgraded.getPort(), null);
            assertThat(readKept(upgraded.getPort(), password(root))).isEqualTo("still here");
        }
    }

    @Test
    void a_password_file_someone_else_wrote_stops_the_start_with_a_sentence(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("postgres-password"), "short'; DROP ROLE x; --\n");
        assertThatThrownBy(() -> configuration.embeddedPostgres(root.resolve("postgres").toString(), 0, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold a password this console wrote");
    }

    private static String password(Path root) throws Exception {
        return Files.readString(root.resolve("postgres-password")).strip();
    }

    private static String readKept(int port, String password) throws SQLException {
        try (Connection c = connect(port, password); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void assertRefused(int port, String password) {
        assertThatThrownBy(() -> connect(port, password).close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
    }

    private static Connection connect(int port, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
