package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.connectorconsole.connector.internal.ConnectorRepository;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V13 on a database that already has connectors: every connector gets a key made of its name, unique in its
 * organization (a second "GitHub (work)" in the same organization gets a piece of its id; another organization may
 * have the same key), of the shape the gateway's tool names need; the console derives a new connector's key the
 * same way.
 */
class ConnectorKeyMigrationTest {

    static EmbeddedPostgres postgres;
    static DataSource db;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        db = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    private static Flyway flyway(String target) {
        var config = Flyway.configure().dataSource(db).locations("filesystem:db/migration");
        return (target == null ? config : config.target(target)).load();
    }

    private static void sql(Connection c, String statement) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static List<String> rows(Connection c, String query) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private static void connector(Connection c, UUID org, String name, int minute) throws Exception {
        sql(c, "insert into connector (id, org_id, name, url, enabled, created_at, updated_at) values ('"
                + UUID.randomUUID() + "', '" + org + "', '" + name.replace("'", "''") + "', 'https://"
                + UUID.randomUUID() + ".example/mcp', true, timestamp '2026-11-01 10:00' + interval '" + minute
                + " minutes', now())");
    }

    @Test
    void existing_connectors_get_unique_keys_of_the_gateway_shape() throws Exception {
        flyway("11").migrate();
        UUID one = UUID.randomUUID();
        UUID two = UUID.randomUUID();
        try (Connection c = db.getConnection()) {
            for (UUID org : List.of(one, two)) {
                UUID owner = UUID.randomUUID();
                sql(c, "insert into app_user (id, email, display_name, created_at) values ('" + owner + "', 'o-"
                        + owner + "@test.example', 'Owner', now())");
                c.setAutoCommit(false); // an organization and its owner together (the rules are checked at commit)
                sql(c, "insert into organization (id, name, plan, created_at) values ('" + org + "', 'Org', 'TEAM', "
                        + "now())");
                sql(c, "insert into membership (org_id, user_id, role, created_at) values ('" + org + "', '" + owner
                        + "', 'OWNER', now())");
                c.commit();
                c.setAutoCommit(true);
            }
            connector(c, one, "GitHub (work)", 1);
            connector(c, one, "GitHub work", 2);
            connector(c, one, "!!!", 3);
            connector(c, one, "A very long connector name that goes on and on", 4);
            connector(c, two, "GitHub (work)", 1);
        }
        flyway(null).migrate();
        try (Connection c = db.getConnection()) {
            List<String> first = rows(c, "select connector_key from connector where org_id = '" + one
                    + "' order by created_at");
            assertThat(first.get(0)).isEqualTo("github-work");
            assertThat(first.get(1)).startsWith("github-work-").hasSize("github-work-".length() + 7);
            assertThat(first.get(2)).isEqualTo("connector");
            assertThat(first.get(3)).isEqualTo("a-very-long-connector-na");
            assertThat(first).doesNotHaveDuplicates().allSatisfy(k -> assertThat(k)
                    .matches("[a-z0-9]+(-[a-z0-9]+)*").doesNotContain("__"));
            assertThat(rows(c, "select connector_key from connector where org_id = '" + two + "'"))
                    .containsExactly("github-work");
            // the console's own derivation for new connectors agrees
            assertThat(ConnectorRepository.keyOf("GitHub (work)")).isEqualTo("github-work");
            assertThat(ConnectorRepository.keyOf("A very long connector name that goes on and on"))
                    .isEqualTo(first.get(3));
            // a row inserted without a key (bulk tooling) gets one of the right shape
            connector(c, two, "Bulk", 5);
            assertThat(rows(c, "select connector_key from connector where name = 'Bulk'")).singleElement()
                    .satisfies(k -> assertThat(k).matches("c[0-9a-f]{12}"));
        }
    }
}
