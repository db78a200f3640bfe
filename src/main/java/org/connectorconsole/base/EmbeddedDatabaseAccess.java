package org.connectorconsole.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an embedded PostgreSQL whose data folder was created before passwords were required (its
 * {@code pg_hba.conf} trusts every local connection) require one: sets the superuser's password, switches every
 * {@code trust} rule to {@code scram-sha-256} and reloads the configuration. A data folder created by this version
 * never trusts anyone: initdb gets the password and the method directly.
 */
final class EmbeddedDatabaseAccess {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseAccess.class);
    private static final Pattern TRUST = Pattern.compile("\\btrust\\b");

    private EmbeddedDatabaseAccess() {
    }

    static boolean trustsConnections(Path dataDir) throws IOException {
        return rules(dataDir).stream().anyMatch(line -> TRUST.matcher(line).find());
    }

    /** Call with the server running and still trusting: {@code superuser} connects without a password. */
    static void requirePassword(Path dataDir, DataSource superuser, String password) throws IOException, SQLException {
        try (Connection c = superuser.getConnection(); Statement s = c.createStatement()) {
            // the driver computes the SCRAM verifier itself: only the hash reaches the server (and its log, were
            // the statement ever logged), never the password
            c.unwrap(org.postgresql.PGConnection.class).alterUserPassword("postgres", password.toCharArray(),
                    "scram-sha-256");
            Path hba = dataDir.resolve("pg_hba.conf");
            List<String> lines = Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                    .map(line -> isComment(line) ? line : TRUST.matcher(line).replaceAll("scram-sha-256"))
                    .toList();
            Files.writeString(hba, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
            s.execute("SELECT pg_reload_conf()");
        }
        log.info("The embedded database now requires its password (kept in {})",
                EmbeddedDatabasePassword.fileFor(dataDir));
    }

    private static List<String> rules(Path dataDir) throws IOException {
        return Files.readAllLines(dataDir.resolve("pg_hba.conf"), StandardCharsets.UTF_8).stream()
                .filter(line -> !isComment(line))
                .toList();
    }

    private static boolean isComment(String line) {
        return line.strip().startsWith("#");
    }
}
