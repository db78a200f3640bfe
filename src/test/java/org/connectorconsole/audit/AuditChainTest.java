package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionTemplate;

@IntegrationTest
class AuditChainTest {

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

    private void record(Org org, String action) {
        tx.executeWithoutResult(s -> audit.record(new AuditRecord(org.id(), Actor.person(org.owner().id(),
                org.owner().email()), action, null, null, null, Map.of("n", action))));
    }

    @Test
    void events_form_one_verifiable_chain_per_organization() {
        Org a = orgs.create(Plan.TEAM, 0);
        Org b = orgs.create(Plan.TEAM, 0);
        record(a, "test.one");
        record(b, "test.other");
        record(a, "test.two");
        List<AuditEvent> chain = repository.chain(a.id());
        assertThat(chain).extracting(AuditEvent::action).containsExactly("test.one", "test.two");
        assertThat(chain.get(0).prevHash()).isEqualTo(AuditChain.GENESIS);
        assertThat(chain.get(1).prevHash()).isEqualTo(chain.get(0).hash());
        for (AuditEvent e : chain) {
            assertThat(AuditChain.hash(e)).as("stored hash recomputes from the stored row").isEqualTo(e.hash());
        }
    }

    @Test
    void awkward_text_is_stored_exactly_as_hashed() {
        // the event and the chain head are written in one batch (values inlined in the SQL): what comes back must
        // be exactly what was hashed
        Org org = orgs.create(Plan.TEAM, 0);
        String awkward = "quote ' double \" backslash \\ \\' newline \n tab \t \u2028 \u2029 dollar $$ $1 ? :x "
                + "emoji \uD83D\uDE00 e\u0301 NBSP\u00A0 end\\";
        tx.executeWithoutResult(s -> audit.record(new AuditRecord(org.id(), Actor.person(org.owner().id(),
                org.owner().email() + awkward), "test.awkward", "type'\\", "id\\" + awkward,
                "label " + awkward, Map.of("k'" + awkward, "v\\" + awkward, "json", "{\"a\": [1, \"\\u0000x\"]}"))));
        tx.executeWithoutResult(s -> audit.record(new AuditRecord(org.id(), Actor.person(org.owner().id(),
                org.owner().email()), "test.after", null, null, null, Map.of())));
        List<AuditEvent> chain = repository.chain(org.id());
        assertThat(chain).hasSize(2);
        assertThat(chain.get(0).targetLabel()).isEqualTo("label " + awkward);
        assertThat(chain.get(0).details()).containsEntry("k'" + awkward, "v\\" + awkward);
        assertThat(chain.get(1).prevHash()).isEqualTo(chain.get(0).hash());
        for (AuditEvent e : chain) {
            assertThat(AuditChain.hash(e)).as("stored hash recomputes from the stored row").isEqualTo(e.hash());
        }
    }

    @Test
    void database_refuses_update_and_delete_of_audit_events() {
        Org a = orgs.create(Plan.TEAM, 0);
        record(a, "test.keep");
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.update(AUDIT_EVENT)
                .set(AUDIT_EVENT.ACTION, "test.changed").where(AUDIT_EVENT.ORG_ID.eq(a.id())).execute()))
                .isInstanceOf(DataAccessException.class)
                .hasStackTraceContaining("audit events are append-only");
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.deleteFrom(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(a.id())).execute()))
                .isInstanceOf(DataAccessException.class);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> db.truncate(AUDIT_EVENT).execute()))
                .isInstanceOf(DataAccessException.class);
        assertThat(repository.chain(a.id())).extracting(AuditEvent::action).containsExactly("test.keep");
    }

    @Test
    void concurrent_writers_never_fork_the_chain() throws Exception {
        Org a = orgs.create(Plan.TEAM, 0);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 80; i++) {
                int n = i;
                futures.add(pool.submit(() -> record(a, "test.concurrent." + n)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<AuditEvent> chain = repository.chain(a.id());
        assertThat(chain).hasSize(80);
        for (int i = 0; i < chain.size(); i++) {
            assertThat(chain.get(i).seq()).isEqualTo(i + 1);
            assertThat(chain.get(i).prevHash()).isEqualTo(i == 0 ? AuditChain.GENESIS : chain.get(i - 1).hash());
        }
    }

    @Test
    void audit_recording_needs_the_callers_transaction() {
        Org a = orgs.create(Plan.TEAM, 0);
        assertThatThrownBy(() -> audit.record(new AuditRecord(a.id(), Actor.SYSTEM, "test.outside", null, null, null, null)))
                .isInstanceOf(org.springframework.transaction.IllegalTransactionStateException.class);
    }
}
