package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The owners' rate limits under concurrent calls: 40 calls released at once against a limit of 5 count exactly 5,
 * whichever threads win (the count is one conditional update in PostgreSQL, shared by every instance); a call the
 * connector's limit refuses does not use up its member's.
 */
@IntegrationTest
class GatewayRateLimitTest {

    @Autowired
    org.connectorconsole.gateway.internal.GatewayRepository repository;
    @Autowired
    org.connectorconsole.audit.AuditService audit;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate tx;
    /** A fixed clock: the test never straddles two minute windows. */
    GatewayRateLimits limits;

    @org.junit.jupiter.api.BeforeEach
    void fixedMinute() {
        limits = new GatewayRateLimits(repository, audit, tx, java.time.Clock.fixed(
                java.time.Instant.parse("2026-12-04T22:30:10Z"), java.time.ZoneOffset.UTC));
    }
    @Autowired
    TestOrganizations orgs;
    @Autowired
    CurrentMember currentMember;

    private List<String> race(int calls, Callable<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls);
        try {
            CountDownLatch ready = new CountDownLatch(calls);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return call.call();
                }));
            }
            ready.await();
            go.countDown();
            List<String> out = new ArrayList<>();
            for (Future<String> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrent_calls_are_counted_exactly_against_the_member_limit() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Member member = currentMember.of(org.members().getFirst().id(), org.id()).orElseThrow();
        GatewaySettings settings = new GatewaySettings(true, 5, null, 0);
        ConnectorId connector = new ConnectorId(java.util.UUID.randomUUID());
        List<String> answers = race(40, () -> limits.take(settings, member, connector, "Acme", "test client"));
        assertThat(answers.stream().filter(Objects::isNull)).hasSize(5);
        assertThat(answers.stream().filter(Objects::nonNull)).hasSize(35)
                .allSatisfy(a -> assertThat(a).startsWith("Rate limit: an owner of " + org.name()
                        + " allows each member 5 tool calls per minute"));
    }

    @Test
    void the_connector_limit_holds_across_members_and_gives_back_the_member_count() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Member first = currentMember.of(org.members().get(0).id(), org.id()).orElseThrow();
        Member second = currentMember.of(org.members().get(1).id(), org.id()).orElseThrow();
        GatewaySettings settings = new GatewaySettings(true, 100, 6, 0);
        ConnectorId connector = new ConnectorId(java.util.UUID.randomUUID());
        List<String> answers = race(30, () -> limits.take(settings, Math.random() < 0.5 ? first : second, connector,
                "Acme", "test client"));
        assertThat(answers.stream().filter(Objects::isNull)).hasSize(6);
        assertThat(answers.stream().filter(Objects::nonNull))
                .allSatisfy(a -> assertThat(a).contains("allows 6 tool calls per minute to Acme"));
        // the refused calls did not use up the members' own allowance: another connector still takes 94 + 100
        ConnectorId other = new ConnectorId(java.util.UUID.randomUUID());
        GatewaySettings memberOnly = new GatewaySettings(true, 100, null, 0);
        int allowed = 0;
        for (int i = 0; i < 200; i++) {
            if (limits.take(memberOnly, first, other, "Other", "test client") == null) {
                allowed++;
            }
            if (limits.take(memberOnly, second, other, "Other", "test client") == null) {
                allowed++;
            }
        }
        assertThat(allowed).as("each member's 100 minus the connector-limited calls they made").isEqualTo(200 - 6);
    }
}
