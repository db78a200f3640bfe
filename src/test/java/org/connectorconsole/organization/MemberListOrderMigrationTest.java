package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V10 (the Members page's sort keys copied into membership) on a database that already has people: the upgrade
 * runs (a whole organization's memberships in one transaction), fills every copy with the truth, and afterwards
 * the copy follows renames — also a membership created while its person's rename is still uncommitted.
 */
class MemberListOrderMigrationTest {

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

    private static UUID person(Connection c, String name) throws Exception {
        UUID id = UUID.randomUUID();
        sql(c, "insert into app_user (id, email, display_name, created_at) values ('" + id + "', '"
                + name.toLowerCase().replace(' ', '.') + "-" + id.toString().substring(0, 6) + "@test.example', '"
                + name + "', now())");
        return id;
    }

    private static UUID team(Connection c, UUID owner, List<UUID> members) throws Exception {
        UUID org = UUID.randomUUID();
        c.setAutoCommit(false); // an organization and its owner together (the rules are checked at commit)
        sql(c, "insert into organization (id, name, plan, created_at) values ('" + org + "', 'Org', 'TEAM', now())");
        sql(c, "insert into membership (org_id, user_id, role, created_at) values ('" + org + "', '" + owner
                + "', 'OWNER', now())");
        for (UUID m : members) {
            sql(c, "insert into membership (org_id, user_id, role, created_at) values ('" + org + "', '" + m
                    + "', 'MEMBER', now())");
        }
        c.commit();
        c.setAutoCommit(true);
        return org;
    }

    @Test
    void upgrade_fills_every_copy_and_the_copy_follows_renames_even_during_a_join() throws Exception {
        flyway("8").migrate();
        UUID bob;
        UUID otherOrg;
        try (Connection c = db.getConnection()) {
            UUID olivia = person(c, "Olivia Owner");
            bob = person(c, "Bob");
            List<UUID> members = new ArrayList<>(List.of(bob));
            for (int i = 0; i < 300; i++) {
                members.add(person(c, "Person " + i));
            }
            team(c, olivia, members);
            otherOrg = team(c, person(c, "Other Owner"), List.of());
        }

        flyway(null).migrate(); // V10 in one transaction over 303 existing memberships

        try (Connection c = db.getConnection()) {
            assertThat(rows(c, "select count(*) from membership m join app_user u on u.id = m.user_id "
                    + "where m.list_name <> u.display_name or m.list_email <> u.email "
                    + "or m.list_rank <> case when m.role = 'OWNER' then 0 else 1 end")).containsExactly("0");
            assertThat(rows(c, "select count(*) from membership")).containsExactly("303");
        }

        // a rename in progress while the same person joins another organization: the new membership waits for
        // the rename and copies the committed name
        try (Connection rename = db.getConnection(); Connection join = db.getConnection()) {
            rename.setAutoCommit(false);
            sql(rename, "update app_user set display_name = 'Bobby' where id = '" + bob + "'");
            String renamePid = rows(rename, "select pg_backend_pid()").getFirst();
            String joinPid = rows(join, "select pg_backend_pid()").getFirst();
            UUID bobId = bob;
            UUID org = otherOrg;
            CompletableFuture<Void> joined = CompletableFuture.runAsync(() -> {
                try {
                    join.setAutoCommit(false);
                    sql(join, "insert into membership (org_id, user_id, role, created_at) values ('" + org + "', '"
                            + bobId + "', 'MEMBER', now())");
                    join.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // until the join's own session waits for the rename's (a fixed sleep proves nothing on a busy machine:
            // the join may not have reached the database yet, and then it never races the rename)
            try (Connection watch = db.getConnection()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!rows(watch, "select count(*) from pg_stat_activity where pid = " + joinPid
                        + " and " + renamePid + " = any(pg_blocking_pids(pid))").equals(List.of("1"))) {
                    assertThat(joined).as("the join waits for the rename").isNotDone();
                    assertThat(System.nanoTime()).as("the join waits for the rename").isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            assertThat(joined).as("the join waits for the rename").isNotDone();
            rename.commit();
            joined.get(60, TimeUnit.SECONDS);
        }
        try (Connection c = db.getConnection()) {
            assertThat(rows(c, "select list_name from membership where user_id = '" + bob + "' order by org_id"))
                    .containsOnly("Bobby").hasSize(2);
        }
    }
}
