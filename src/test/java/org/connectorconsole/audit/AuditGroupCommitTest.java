package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_CHAIN_HEAD;

import java.util.List;
import java.util.Map;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.RequestOrigin;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/** Several events appended with one hold of the chain lock (decision 0068) form the same verifiable chain. */
@IntegrationTest
class AuditGroupCommitTest {

    @Autowired
    TestOrganizations orgs;
    @Autowired
    AuditService audit;
    @Autowired
    AuditRepository repository;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    DSLContext db;

    private AuditRecord event(Org org, String action) {
        return new AuditRecord(org.id(), Actor.person(org.owner().id(), org.owner().email()), action, null, null,
                null, Map.of("n", action));
    }

    @Test
    void events_appended_together_chain_like_events_appended_one_by_one() {
        Org org = orgs.create(Plan.TEAM, 0);
        tx.executeWithoutResult(s -> audit.record(event(org, "test.first")));
        List<AuditEvent> together = tx.execute(s -> audit.recordAll(List.of(
                new AuditService.Pending(event(org, "test.a"), new RequestOrigin("192.0.2.7", "agent/1")),
                new AuditService.Pending(event(org, "test.b"), null),
                new AuditService.Pending(event(org, "test.c"), null))));
        tx.executeWithoutResult(s -> audit.record(event(org, "test.last")));

        List<AuditEvent> chain = repository.chain(org.id());
        assertThat(chain).extracting(AuditEvent::action)
                .containsExactly("test.first", "test.a", "test.b", "test.c", "test.last");
        assertThat(chain).extracting(AuditEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(together).extracting(AuditEvent::hash).containsExactly(chain.get(1).hash(), chain.get(2).hash(),
                chain.get(3).hash());
        assertThat(chain.get(1).clientAddress()).isEqualTo("192.0.2.7");
        assertThat(chain.get(2).clientAddress()).isNull();
        AuditVerifier verifier = new AuditVerifier(false);
        chain.forEach(verifier::accept);
        var head = db.selectFrom(AUDIT_CHAIN_HEAD).where(AUDIT_CHAIN_HEAD.ORG_ID.eq(org.id())).fetchSingle();
        verifier.expectEnd(head.getLastSeq(), head.getLastHash());
        assertThat(verifier.result().intact()).as(verifier.result().describe()).isTrue();
        assertThat(head.getLastSeq()).isEqualTo(5L);
    }

    @Test
    void events_of_two_organizations_are_not_appended_together() {
        Org a = orgs.create(Plan.TEAM, 0);
        Org b = orgs.create(Plan.TEAM, 0);
        assertThatThrownBy(() -> tx.execute(s -> audit.recordAll(List.of(
                new AuditService.Pending(event(a, "test.a"), null),
                new AuditService.Pending(event(b, "test.b"), null)))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(repository.chain(a.id())).isEmpty();
        assertThat(repository.chain(b.id())).isEmpty();
    }
}
