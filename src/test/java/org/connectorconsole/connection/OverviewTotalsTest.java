package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.organization.IssuedInvitation;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import testpeers.TestAuthorizationServer;

/**
 * The overview's totals per state come from counts the database keeps (V9's triggers) instead of counting 200,000
 * pairs per page: after every path that moves a pair between states (connect, needs re-authentication, failing,
 * disconnect, a member joins or is removed, a connector is added, turned off and on, or removed) they equal a
 * count of the rows from scratch, and the state filters list exactly that many pairs.
 */
@IntegrationTest
class OverviewTotalsTest {

    static TestAuthorizationServer as;
    static TestMcpServer mcp;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    StoredTokens stored;
    @Autowired
    ConnectionOverviewService overview;
    @Autowired
    OrganizationService organizations;
    @Autowired
    InvitationService invitations;
    @Autowired
    DSLContext db;
    @Autowired
    javax.sql.DataSource dataSource;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/mcp", "totals-server", as.issuer(), "mcp", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        mcp.close();
        as.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void kept_totals_equal_a_count_from_scratch_after_every_path_that_moves_a_pair() throws Exception {
        Org org = orgs.create(Plan.TEAM, 3);
        Person m0 = org.members().get(0);
        Person m1 = org.members().get(1);
        Person m2 = org.members().get(2);
        TestMcpServer flaky = new TestMcpServer();
        try {
            flaky.oauthProtected("/mcp", "flaky-server", as.issuer(), "mcp", TestMcpServer.echoTool());
            Connector a = addConnector(org, "Alpha", mcp.url("/mcp"));
            Connector b = addConnector(org, "Beta", flaky.url("/mcp"));
            expect(org, 0, 0, 0, 4 * 2);

            orgs.signIn(m0);
            connect(a);
            expect(org, 1, 0, 0, 7);

            orgs.signIn(m1);
            connect(a);
            connect(b);
            expect(org, 3, 0, 0, 5);

            // the provider forgets m1's grant for Alpha: the check finds the token refused
            orgs.signIn(m1);
            as.authorizations().remove(as.authorizations().findByToken(stored.accessToken(a.id()),
                    OAuth2TokenType.ACCESS_TOKEN));
            assertThat(connections.checkNow(a.id()).state()).isEqualTo(MemberConnector.State.NEEDS_REAUTH);
            expect(org, 2, 1, 0, 5);

            // Beta's server goes away: m1's check marks the connection failing
            flaky.close();
            orgs.signIn(m1);
            assertThat(connections.checkNow(b.id()).state()).isEqualTo(MemberConnector.State.FAILING);
            expect(org, 1, 1, 1, 5);

            orgs.signIn(m0);
            connections.disconnect(a.id());
            expect(org, 0, 1, 1, 6);

            orgs.signIn(org.owner());
            IssuedInvitation invited = invitations.invite("joiner-" + UUID.randomUUID().toString().substring(0, 8)
                    + "@test.example", Role.MEMBER);
            TestOrganizations.signOut();
            invitations.acceptWithNewAccount(invited.token(), "Jo Joiner", TestOrganizations.PASSWORD,
                    TestOrganizations.PASSWORD);
            expect(org, 0, 1, 1, 5 * 2 - 2);

            orgs.signIn(org.owner());
            connectors.setEnabled(b.id(), connectors.get(b.id()).version(), false);
            expect(org, 0, 1, 0, 5 - 1);
            orgs.signIn(org.owner());
            connectors.setEnabled(b.id(), connectors.get(b.id()).version(), true);
            expect(org, 0, 1, 0, 10 - 1);

            // Beta's last check found a server that needs no sign-in: its pairs are "No sign-in needed"
            Object outcome = db.fetchValue("select last_check_outcome from connector where id = ?", b.id().value());
            db.execute("update connector set last_check_outcome = 'READY' where id = ?", b.id().value());
            expect(org, 0, 1, 0, 5 - 1, 5);
            db.execute("update connector set last_check_outcome = ? where id = ?", outcome, b.id().value());
            expect(org, 0, 1, 0, 10 - 1);

            orgs.signIn(org.owner());
            organizations.removeMember(m1.id());
            expect(org, 0, 0, 0, 4 * 2);

            orgs.signIn(m2);
            connect(a);
            expect(org, 1, 0, 0, 7);
            orgs.signIn(org.owner());
            connectors.remove(a.id(), connectors.get(a.id()).version());
            expect(org, 0, 0, 0, 4);

            addConnector(org, "Gamma", mcp.url("/mcp"));
            expect(org, 0, 0, 0, 8);
        } finally {
            flaky.close();
        }
    }

    @Test
    void kept_counts_follow_any_mix_of_row_changes_including_cascades_and_leftover_connections() {
        Org org = orgs.create(Plan.TEAM, 6);
        UUID orgId = org.id().value();
        Person outsider = orgs.create(Plan.TEAM, 0).owner();
        List<UUID> users = new ArrayList<>(org.members().stream().map(p -> p.id().value()).toList());
        users.add(outsider.id().value());
        users.add(org.owner().id().value());
        List<UUID> connectorIds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            connectorIds.add(insertConnector(orgId, "Row " + i));
        }
        String[] states = {"CONNECTED", "NEEDS_REAUTH", "FAILING"};
        java.util.Random random = new java.util.Random(20261127);
        int connectorsRemoved = 0;
        int accountsDeleted = 0;
        for (int step = 0; step < 400; step++) {
            UUID user = users.get(random.nextInt(users.size()));
            UUID connector = connectorIds.get(random.nextInt(connectorIds.size()));
            String state = states[random.nextInt(states.length)];
            boolean owner = user.equals(org.owner().id().value());
            switch (random.nextInt(12)) {
                case 0, 1, 2, 3 -> db.execute("""
                        insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id,
                                                auth_method, scope, connected_at, updated_at)
                        values (?, ?, ?, ?, ?, 'https://as.example.com', 'client', 'none', 'mcp', now(), now())
                        on conflict do nothing""", UUID.randomUUID(), orgId, connector, user, state);
                case 4, 5 -> db.execute("update connection set status = ?, updated_at = now() where org_id = ? "
                        + "and user_id = ? and connector_id = ?", state, orgId, user, connector);
                case 6 -> db.execute("update connection set last_used_at = now() where org_id = ? and user_id = ?",
                        orgId, user);
                case 7 -> db.execute("delete from connection where org_id = ? and user_id = ? and connector_id = ?",
                        orgId, user, connector);
                // leaving and joining again without touching the connections: they stop and start counting
                case 8 -> {
                    if (!owner) {
                        db.execute("delete from membership where org_id = ? and user_id = ?", orgId, user);
                    }
                }
                case 9 -> db.execute("insert into membership (org_id, user_id, role, created_at) values "
                        + "(?, ?, 'MEMBER', now()) on conflict do nothing", orgId, user);
                // several changes in one transaction, the membership and the connection in either order
                case 10 -> db.transaction(tx -> {
                    if (!owner) {
                        tx.dsl().execute("delete from membership where org_id = ? and user_id = ?", orgId, user);
                    }
                    tx.dsl().execute("update connection set status = ? where org_id = ? and user_id = ?", state,
                            orgId, user);
                    tx.dsl().execute("insert into membership (org_id, user_id, role, created_at) values "
                            + "(?, ?, 'MEMBER', now()) on conflict do nothing", orgId, user);
                });
                default -> {
                    if (step % 5 == 0) {
                        // a connector removed (its connections and counts go with it) and another added
                        UUID gone = connectorIds.remove(random.nextInt(connectorIds.size()));
                        db.execute("delete from connector where id = ?", gone);
                        connectorsRemoved++;
                        connectorIds.add(insertConnector(orgId, "Row s" + step));
                    } else if (!owner && !user.equals(outsider.id().value()) && users.size() > 4) {
                        // an account deleted: membership and connections cascade in one statement
                        db.execute("delete from app_user where id = ?", user);
                        users.remove(user);
                        accountsDeleted++;
                    }
                }
            }
            assertThat(keptVersusScratch()).as("after step %d", step).isEmpty();
        }
        assertThat(connectorsRemoved).as("connectors removed").isPositive();
        assertThat(accountsDeleted).as("accounts deleted").isPositive();
        assertThat(db.fetchOne("select count(distinct status) from connection_state_count where org_id = ? and n > 0",
                orgId).get(0, Long.class)).as("the mix ends with pairs in every state").isEqualTo(3L);
        assertThat(db.fetchCount(db.selectFrom("connection_state_count").where("n < 0"))).isZero();
    }

    @Test
    void members_moving_between_states_in_opposite_directions_at_once_neither_deadlock_nor_drift() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        UUID orgId = org.id().value();
        UUID connector = insertConnector(orgId, "Busy");
        List<UUID> members = org.members().stream().map(p -> p.id().value()).toList();
        String[] cycle = {"CONNECTED", "FAILING", "NEEDS_REAUTH"};
        for (int m = 0; m < 2; m++) {
            db.execute("""
                    insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id, auth_method,
                                            scope, connected_at, updated_at)
                    values (?, ?, ?, ?, ?, 'https://as.example.com', 'client', 'none', 'mcp', now(), now())""",
                    UUID.randomUUID(), orgId, connector, members.get(m), cycle[m]);
        }
        // widen the window between a change's two counts: each count row stays locked 10 ms before it changes
        db.execute("""
                create function test_slow_count() returns trigger language plpgsql as $$
                begin perform pg_sleep(0.01); return new; end $$""");
        db.execute("create trigger test_slow_count before update on connection_state_count for each row "
                + "execute function test_slow_count()");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
            for (int m = 0; m < 2; m++) {
                UUID member = members.get(m);
                int direction = m == 0 ? 1 : 2; // one forwards through the cycle, the other backwards
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        db.transaction(tx -> {
                            String now = tx.dsl().fetchOne("select status from connection where connector_id = ? "
                                    + "and user_id = ? for update", connector, member).get(0, String.class);
                            int at = java.util.Arrays.asList(cycle).indexOf(now);
                            tx.dsl().execute("update connection set status = ? where connector_id = ? and user_id = ?",
                                    cycle[(at + direction) % 3], connector, member);
                        });
                    }
                    return null;
                }));
            }
            for (var run : runs) {
                run.get(60, java.util.concurrent.TimeUnit.SECONDS); // a deadlock would surface here
            }
        } finally {
            pool.shutdownNow();
            db.execute("drop trigger test_slow_count on connection_state_count");
            db.execute("drop function test_slow_count()");
        }
        assertThat(keptVersusScratch()).isEmpty();
        assertThat(db.fetchOne("select sum(n) from connection_state_count where connector_id = ?", connector)
                .get(0, Long.class)).isEqualTo(2L);
    }

    @Test
    void a_member_removed_while_their_connection_changes_state_neither_deadlocks_nor_drifts() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        UUID orgId = org.id().value();
        UUID connector = insertConnector(orgId, "Busy");
        UUID member = org.members().getFirst().id().value();
        UUID connection = UUID.randomUUID();
        db.execute("""
                insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id, auth_method,
                                        scope, connected_at, updated_at)
                values (?, ?, ?, ?, 'CONNECTED', 'https://as.example.com', 'client', 'none', 'mcp', now(), now())""",
                connection, orgId, connector, member);
        // as the removal does: the membership goes, then (same transaction) the person's connections; meanwhile
        // a refresh or a failed call changes that connection's state
        try (java.sql.Connection removal = dataSource.getConnection();
                java.sql.Connection change = dataSource.getConnection()) {
            removal.setAutoCommit(false);
            change.setAutoCommit(false);
            int removalPid = backendPid(removal);
            int changePid = backendPid(change);
            try (var st = removal.prepareStatement("delete from membership where org_id = ? and user_id = ?")) {
                st.setObject(1, orgId);
                st.setObject(2, member);
                st.executeUpdate();
            }
            java.util.concurrent.CompletableFuture<Integer> changed = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try (var st = change.prepareStatement("update connection set status = 'FAILING' where id = ?")) {
                            st.setObject(1, connection);
                            int n = st.executeUpdate();
                            change.commit();
                            return n;
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
            // exactly this state change waiting for exactly this removal (not any session waiting for a lock)
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (db.fetchOne("select count(*) from pg_stat_activity where pid = ? and wait_event_type = 'Lock' "
                    + "and ? = any(pg_blocking_pids(pid))", changePid, removalPid).get(0, Integer.class) == 0) {
                assertThat(changed).as("the state change waits for the removal").isNotDone();
                assertThat(System.nanoTime()).as("the state change waits for the removal").isLessThan(deadline);
                Thread.sleep(20);
            }
            try (var st = removal.prepareStatement("delete from connection where org_id = ? and user_id = ?")) {
                st.setObject(1, orgId);
                st.setObject(2, member);
                assertThat(st.executeUpdate()).isEqualTo(1); // a deadlock would fail one of the two here
            }
            removal.commit();
            assertThat(changed.get(60, java.util.concurrent.TimeUnit.SECONDS)).as("the connection was gone")
                    .isZero();
        }
        assertThat(keptVersusScratch()).isEmpty();
        assertThat(db.fetchOne("select coalesce(sum(n), 0) from connection_state_count where connector_id = ?",
                connector).get(0, Long.class)).isZero();
    }

    @Test
    void every_filter_pages_through_exactly_the_pairs_of_a_full_listing_in_order() {
        Org org = orgs.create(Plan.TEAM, 0);
        UUID orgId = org.id().value();
        String tag = orgId.toString().substring(0, 8);
        java.util.Random random = new java.util.Random(27);
        List<UUID> members = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            UUID id = UUID.randomUUID();
            // addresses not in creation order; a few names match the member search instead of the address
            String email = "pager-" + String.format("%03d", random.nextInt(1000)) + "-" + i + "-" + tag
                    + "@test.example";
            db.execute("insert into app_user (id, email, display_name, created_at) values (?, ?, ?, now())", id,
                    email, i % 9 == 0 ? "Finder " + i : "Pager " + i);
            db.execute("insert into membership (org_id, user_id, role, created_at) values (?, ?, 'MEMBER', now())",
                    orgId, id);
            members.add(id);
        }
        List<UUID> enabled = new ArrayList<>();
        for (String name : List.of("Delta", "alpha", "Same", "Same", "Zulu")) {
            enabled.add(insertConnector(orgId, name));
        }
        UUID disabled = insertConnector(orgId, "Off");
        db.execute("update connector set enabled = false where id = ?", disabled);
        List<UUID> all = new ArrayList<>(enabled);
        all.add(disabled);
        for (UUID m : members) {
            for (UUID c : all) {
                double r = random.nextDouble();
                String state = r < 0.5 ? "CONNECTED" : r < 0.7 ? "NEEDS_REAUTH" : null;
                if (state != null) {
                    db.execute("""
                            insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id,
                                                    auth_method, scope, connected_at, updated_at)
                            values (?, ?, ?, ?, ?, 'https://as.example.com', 'client', 'none', 'mcp b', now(), now())""",
                            UUID.randomUUID(), orgId, c, m, state);
                }
            }
        }
        // a rare state: three failing pairs (and one on the disabled connector, never shown)
        db.execute("update connection set status = 'FAILING' where id in (select id from connection where org_id = ? "
                + "and connector_id <> ? order by id limit 3)", orgId, disabled);
        db.execute("update connection set status = 'FAILING' where id in (select id from connection where org_id = ? "
                + "and connector_id = ? order by id limit 1)", orgId, disabled);
        db.execute("insert into reconnect_request (org_id, connector_id, user_id, requested_by, requested_at) values "
                + "(?, ?, ?, ?, now())", orgId, enabled.get(2), members.get(5), org.owner().id().value());

        List<String> listing = db.fetch("""
                select u.email, c.id, coalesce(cn.status, 'NEVER_CONNECTED'), lower(u.display_name),
                       rr.requested_at is not null
                  from membership m join app_user u on u.id = m.user_id
                 cross join connector c
                  left join connection cn on cn.connector_id = c.id and cn.user_id = u.id
                  left join reconnect_request rr on rr.connector_id = c.id and rr.user_id = u.id
                 where m.org_id = ? and c.org_id = ? and c.enabled
                 order by u.email, c.name, c.id""", orgId, orgId)
                .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(3) + "|" + r.get(4));
        assertThat(listing).hasSize(61 * 5);

        orgs.signIn(org.owner());
        UUID same = enabled.get(3);
        List<ConnectionOverview.Filter> filters = new ArrayList<>();
        filters.add(ConnectionOverview.Filter.NONE);
        for (OverviewState s : OverviewState.values()) {
            filters.add(new ConnectionOverview.Filter(null, null, s));
            filters.add(new ConnectionOverview.Filter(null, new org.connectorconsole.connector.ConnectorId(same), s));
            filters.add(new ConnectionOverview.Filter("finder", null, s));
        }
        filters.add(new ConnectionOverview.Filter(null, new org.connectorconsole.connector.ConnectorId(same), null));
        filters.add(new ConnectionOverview.Filter(null, new org.connectorconsole.connector.ConnectorId(disabled),
                null));
        filters.add(new ConnectionOverview.Filter("-1", null, null));
        for (ConnectionOverview.Filter f : filters) {
            List<String> expected = listing.stream().filter(line -> {
                String[] p = line.split("\\|");
                return (f.state() == null || p[2].equals(f.state().name()))
                        && (f.connector() == null || p[1].equals(f.connector().value().toString()))
                        && (f.member() == null || p[0].contains(f.member()) || p[3].contains(f.member()));
            }).toList();
            for (int size : new int[] {1, 3, 7, 50, 200}) {
                if (size == 1 && expected.size() > 40) {
                    continue;
                }
                List<String> paged = new ArrayList<>();
                ConnectionOverview.Cursor cursor = null;
                do {
                    ConnectionOverview.Page page = overview.page(f, cursor, size);
                    assertThat(page.rows().size()).isLessThanOrEqualTo(size);
                    page.rows().forEach(r -> paged.add(r.memberEmail() + "|" + r.connectorId().value() + "|"
                            + r.state().name() + "|" + r.memberName().toLowerCase(java.util.Locale.ROOT) + "|"
                            + (r.reconnectRequestedAt() != null)));
                    cursor = page.next();
                } while (cursor != null && paged.size() <= expected.size());
                assertThat(paged).as("%s in pages of %d", f, size).isEqualTo(expected);
            }
        }
        assertThat(listing).as("the data has every state").anySatisfy(l -> assertThat(l).contains("|FAILING|"))
                .anySatisfy(l -> assertThat(l).contains("|NEEDS_REAUTH|")).anySatisfy(l -> assertThat(l)
                        .contains("|NEVER_CONNECTED|")).anySatisfy(l -> assertThat(l).endsWith("|true"));
    }

    @Test
    void a_connector_offered_to_groups_counts_and_lists_only_its_audience() {
        Org org = orgs.create(Plan.TEAM, 3);
        UUID orgId = org.id().value();
        UUID m0 = org.members().get(0).id().value();
        UUID m1 = org.members().get(1).id().value();
        UUID m2 = org.members().get(2).id().value();
        UUID everyone = insertConnector(orgId, "Everyone");
        UUID limited = insertConnector(orgId, "Limited");
        UUID engineering = insertGroup(orgId, "Engineering", m0, m1);
        UUID sales = insertGroup(orgId, "Sales", m0);
        db.execute("update connector set audience = 'GROUPS' where id = ?", limited);
        for (UUID g : List.of(engineering, sales)) {
            db.execute("insert into connector_group (org_id, connector_id, group_id) values (?, ?, ?)", orgId,
                    limited, g);
        }
        // m0 (in both groups) connected; m2 connected before the connector was limited to groups, and is in none
        for (UUID m : List.of(m0, m2)) {
            db.execute("""
                    insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id,
                                            auth_method, scope, connected_at, updated_at)
                    values (?, ?, ?, ?, 'CONNECTED', 'https://as.example.com', 'client', 'none', 'mcp', now(), now())""",
                    UUID.randomUUID(), orgId, limited, m);
        }

        orgs.signIn(org.owner());
        ConnectionOverview.Counts counts = overview.counts();
        // Everyone: the owner and three members, never connected; Limited: m0 connected, m1 never (m2 and the
        // owner may not use it, so they are no pair at all)
        assertThat(counts.of(OverviewState.CONNECTED)).isEqualTo(1);
        assertThat(counts.of(OverviewState.NEVER_CONNECTED)).isEqualTo(4 + 1);
        assertThat(counts.of(OverviewState.NO_SIGN_IN)).isZero();
        List<String> limitedPairs = new ArrayList<>();
        for (ConnectionOverview.Filter f : List.of(ConnectionOverview.Filter.NONE,
                new ConnectionOverview.Filter(null, null, OverviewState.CONNECTED),
                new ConnectionOverview.Filter(null, null, OverviewState.NEVER_CONNECTED))) {
            List<ConnectionOverview.Row> rows = new ArrayList<>();
            ConnectionOverview.Cursor cursor = null;
            do {
                ConnectionOverview.Page page = overview.page(f, cursor, 2);
                rows.addAll(page.rows());
                cursor = page.next();
            } while (cursor != null);
            assertThat(rows).as("%s", f).hasSize(f.state() == null ? 6 : (int) counts.of(f.state()));
            rows.stream().filter(r -> r.connectorId().value().equals(limited))
                    .forEach(r -> limitedPairs.add(f.state() + ":" + r.userId().value() + ":" + r.state()));
        }
        assertThat(limitedPairs).containsExactlyInAnyOrder(
                "null:" + m0 + ":CONNECTED", "null:" + m1 + ":NEVER_CONNECTED",
                "CONNECTED:" + m0 + ":CONNECTED", "NEVER_CONNECTED:" + m1 + ":NEVER_CONNECTED");
        // the rare-state path (read from the connections) leaves m2's connection out too
        ConnectionOverview.Page connected = overview.page(new ConnectionOverview.Filter(null,
                new org.connectorconsole.connector.ConnectorId(limited), OverviewState.CONNECTED), null, 50);
        assertThat(connected.rows()).extracting(r -> r.userId().value()).containsExactly(m0);
        // a reconnect request left for m2 on Limited is not an open request the owners' navigation counts
        db.execute("insert into reconnect_request (org_id, connector_id, user_id, requested_by, requested_at) values "
                + "(?, ?, ?, ?, now())", orgId, limited, m2, org.owner().id().value());
        db.execute("insert into reconnect_request (org_id, connector_id, user_id, requested_by, requested_at) values "
                + "(?, ?, ?, ?, now())", orgId, everyone, m2, org.owner().id().value());
        assertThat(overview.openReconnectRequests()).isEqualTo(1);
    }

    private UUID insertGroup(UUID orgId, String name, UUID... members) {
        UUID id = UUID.randomUUID();
        db.execute("insert into member_group (id, org_id, name, created_at, updated_at) values (?, ?, ?, now(), now())",
                id, orgId, name);
        for (UUID m : members) {
            db.execute("insert into group_member (org_id, group_id, user_id, added_at) values (?, ?, ?, now())",
                    orgId, id, m);
        }
        return id;
    }

    // ------------------------------------------------------------------ helpers

    private Connector addConnector(Org org, String name, String url) {
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm(name + " " + UUID.randomUUID().toString().substring(0, 4),
                url, null, null, false));
        TestOrganizations.signOut();
        return c;
    }

    private void connect(Connector c) throws Exception {
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        CallbackOutcome outcome = connections.complete(back.get("state"), back.get("code"), back.get("iss"),
                back.get("error"), back.get("error_description"));
        assertThat(outcome.connected()).as(outcome.message()).isTrue();
    }

    private UUID insertConnector(UUID orgId, String name) {
        UUID id = UUID.randomUUID();
        db.execute("insert into connector (id, org_id, name, url, enabled, created_at, updated_at) values "
                + "(?, ?, ?, ?, true, now(), now())", id, orgId, name, "https://mcp.example.com/" + id);
        return id;
    }

    /** The owner's totals equal these, equal a count from scratch, and each state filter lists that many pairs. */
    private void expect(Org org, long connected, long reauth, long failing, long never) {
        expect(org, connected, reauth, failing, never, 0);
    }

    private void expect(Org org, long connected, long reauth, long failing, long never, long noSignIn) {
        orgs.signIn(org.owner());
        ConnectionOverview.Counts counts = overview.counts();
        Map<OverviewState, Long> shown = new EnumMap<>(OverviewState.class);
        for (OverviewState s : OverviewState.values()) {
            shown.put(s, counts.of(s));
        }
        assertThat(shown).isEqualTo(Map.of(OverviewState.CONNECTED, connected, OverviewState.NEEDS_REAUTH, reauth,
                OverviewState.FAILING, failing, OverviewState.NEVER_CONNECTED, never, OverviewState.NO_SIGN_IN,
                noSignIn));
        assertThat(shown).as("kept totals vs a count of the rows").isEqualTo(truth(org));
        for (OverviewState s : OverviewState.values()) {
            List<ConnectionOverview.Row> rows = new ArrayList<>();
            ConnectionOverview.Cursor cursor = null;
            do {
                ConnectionOverview.Page page = overview.page(new ConnectionOverview.Filter(null, null, s), cursor, 2);
                rows.addAll(page.rows());
                cursor = page.next();
            } while (cursor != null);
            assertThat(rows).as(s.label()).hasSize((int) counts.of(s))
                    .allSatisfy(r -> assertThat(r.state()).isEqualTo(s));
        }
        assertThat(keptVersusScratch()).isEmpty();
        TestOrganizations.signOut();
    }

    /** The organization's pairs per state, counted from the rows (members × enabled connectors, connections). */
    private Map<OverviewState, Long> truth(Org org) {
        Map<OverviewState, Long> out = new EnumMap<>(OverviewState.class);
        for (OverviewState s : OverviewState.values()) {
            out.put(s, 0L);
        }
        long connections = 0;
        long openConnections = 0;
        for (var r : db.fetch("""
                select cn.status, coalesce(c.last_check_outcome = 'READY', false), count(*) from connection cn
                  join connector c on c.id = cn.connector_id and c.enabled
                  join membership m on m.org_id = cn.org_id and m.user_id = cn.user_id
                 where cn.org_id = ? group by 1, 2""", org.id().value())) {
            out.merge(OverviewState.valueOf(r.get(0, String.class)), r.get(2, Long.class), Long::sum);
            connections += r.get(2, Long.class);
            openConnections += r.get(1, Boolean.class) ? r.get(2, Long.class) : 0;
        }
        long pairs = db.fetchOne("select (select count(*) from membership where org_id = ?) * (select count(*) "
                + "from connector where org_id = ? and enabled)", org.id().value(), org.id().value())
                .get(0, Long.class);
        long openPairs = db.fetchOne("select (select count(*) from membership where org_id = ?) * (select count(*) "
                + "from connector where org_id = ? and enabled and last_check_outcome = 'READY')", org.id().value(),
                org.id().value()).get(0, Long.class);
        out.put(OverviewState.NO_SIGN_IN, openPairs - openConnections);
        out.put(OverviewState.NEVER_CONNECTED, pairs - openPairs - (connections - openConnections));
        return out;
    }

    /**
     * Kept counts that differ from a count of the connections of members, read in one statement (one snapshot,
     * so work of other tests in the background cannot make it differ).
     */
    private List<String> keptVersusScratch() {
        return db.fetch("""
                select coalesce(k.connector_id, f.connector_id), coalesce(k.status, f.status), k.n, f.n
                  from (select connector_id, status, n from connection_state_count where n <> 0) k
                  full join (select cn.connector_id, cn.status, count(*) as n from connection cn
                               join membership m on m.org_id = cn.org_id and m.user_id = cn.user_id
                              group by cn.connector_id, cn.status) f
                    on f.connector_id = k.connector_id and f.status = k.status
                 where k.n is distinct from f.n""").map(r -> r.get(0) + "/" + r.get(1) + ": kept " + r.get(2)
                + ", counted " + r.get(3));
    }

    private static int backendPid(java.sql.Connection connection) throws java.sql.SQLException {
        try (var rs = connection.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
