package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.connectorconsole.audit.AuditVerifier;
import org.connectorconsole.auditlog.AuditLogService;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.ConsoleInstance;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import testpeers.TestAuthorizationServer;

/**
 * Two whole consoles (each its own web server, services and connection pool) on one PostgreSQL, sharing the
 * sealing key and public address as instances behind a load balancer do: a member's sign-in started on one
 * completes on the other, a token expiring under callers on both is refreshed once at the authorization server,
 * and the organization's audit chain, written by both, stays one chain that verifies.
 */
class TwoInstancesTest {

    static EmbeddedPostgres postgres;
    static TestAuthorizationServer as;
    static TestMcpServer mcp;
    static ConsoleInstance a;
    static ConsoleInstance b;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200").start();
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/mcp", "shared-server", as.issuer(), "mcp", TestMcpServer.echoTool());
        String jdbc = postgres.getJdbcUrl("postgres", "postgres");
        String keyset = SecretSealer.newKeysetJson();
        // one public address for both, as behind a load balancer (the redirect URI must be the same)
        a = ConsoleInstance.start(jdbc, keyset, "--console.public-url=http://127.0.0.1:18443");
        b = ConsoleInstance.start(jdbc, keyset, "--console.public-url=http://127.0.0.1:18443");
    }

    @AfterAll
    static void stop() throws Exception {
        TestOrganizations.signOut();
        for (AutoCloseable c : new AutoCloseable[] {b, a, mcp, as, postgres}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void callback_started_on_one_instance_completes_on_the_other_refresh_happens_once_and_the_chain_is_one()
            throws Exception {
        TestOrganizations orgsA = a.bean(TestOrganizations.class);
        Org org = orgsA.create(Plan.TEAM, 1);
        orgsA.signIn(org.owner());
        Connector c = a.bean(ConnectorService.class).add(ConnectorForm.of("Shared", mcp.url("/mcp")));

        // the member starts connecting on A; the authorization server sends the browser back to B
        Authentication member = b.bean(TestOrganizations.class).signIn(org.members().getFirst());
        ConnectStart start = a.bean(ConnectionService.class).connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        CallbackOutcome outcome = b.bean(ConnectionService.class).complete(back.get("state"), back.get("code"),
                back.get("iss"), null, null);
        assertThat(outcome.connected()).as(outcome.message()).isTrue();
        assertThat(a.bean(ConnectionService.class).checkNow(c.id()).state())
                .as("A uses the tokens B stored (same sealing key)").isEqualTo(MemberConnector.State.CONNECTED);
        // and the same answer cannot be replayed at A
        assertThat(a.bean(ConnectionService.class).complete(back.get("state"), back.get("code"), back.get("iss"),
                null, null).connected()).isFalse();

        // the token expires while 20 callers on A and 20 on B want it
        DSLContext db = a.bean(DSLContext.class);
        db.update(CONNECTION).set(CONNECTION.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1))
                .where(CONNECTION.CONNECTOR_ID.eq(c.id().value())).execute();
        int refreshes = as.refreshRequests();
        ExecutorService pool = Executors.newFixedThreadPool(40);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> tokens = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            StoredTokens on = (i % 2 == 0 ? a : b).bean(StoredTokens.class);
            tokens.add(pool.submit(() -> {
                SecurityContextHolder.getContext().setAuthentication(member);
                go.await();
                return on.forCall(c.id());
            }));
        }
        go.countDown();
        Set<String> seen = new HashSet<>();
        for (Future<String> f : tokens) {
            seen.add(f.get());
        }
        pool.shutdown();
        assertThat(as.refreshRequests() - refreshes).as("refresh requests at the authorization server")
                .isEqualTo(1);
        assertThat(seen).as("every caller on both instances got the one new token").hasSize(1);

        // both instances wrote to the organization's chain, concurrently too
        orgsA.signIn(org.owner());
        Authentication owner = SecurityContextHolder.getContext().getAuthentication();
        ExecutorService writers = Executors.newFixedThreadPool(8);
        List<Future<?>> adds = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ConnectorService on = (i % 2 == 0 ? a : b).bean(ConnectorService.class);
            int n = i;
            adds.add(writers.submit(() -> {
                SecurityContextHolder.getContext().setAuthentication(owner);
                return on.add(ConnectorForm.of("Added on " + (n % 2 == 0 ? "A" : "B") + " " + n,
                        "https://shared-" + n + ".example/mcp"));
            }));
        }
        for (Future<?> f : adds) {
            f.get();
        }
        writers.shutdown();
        List<Long> seqs = db.select(AUDIT_EVENT.SEQ).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id())).orderBy(AUDIT_EVENT.SEQ).fetch(AUDIT_EVENT.SEQ);
        assertThat(seqs).as("one chain: 1, 2, 3 … without a gap or a fork").isNotEmpty();
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).isEqualTo(i + 1L);
        }
        AuditVerifier.Result onA = a.bean(AuditLogService.class).verify();
        AuditVerifier.Result onB = b.bean(AuditLogService.class).verify();
        assertThat(onA.intact()).as(onA.describe()).isTrue();
        assertThat(onB.intact()).isTrue();
        assertThat(onA.checked()).isEqualTo(seqs.size()).isGreaterThanOrEqualTo(20);
        TestOrganizations.signOut();
    }
}
