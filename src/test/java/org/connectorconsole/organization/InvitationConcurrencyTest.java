package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.GatedPasswordEncoder;
import org.connectorconsole.support.GatedPasswordEncoder.Gate;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;

/**
 * One invitation link accepted by several requests at once (a double click, tabs, or someone replaying the link):
 * exactly one account is made, and only that one pays for hashing its password. Every hash waits at a gate the
 * test opens, so all requests are in flight together; the test waits until each one hashes, waits for the
 * invitation's row lock in the database, or has returned.
 */
@IntegrationTest
@Import(GatedPasswordEncoder.Configuration.class)
class InvitationConcurrencyTest {

    static final int PARALLEL = 6;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    InvitationService invitations;
    @Autowired
    GatedPasswordEncoder encoder;
    @Autowired
    DSLContext db;

    private final ExecutorService threads = Executors.newFixedThreadPool(PARALLEL);

    @AfterEach
    void stop() {
        encoder.openAll();
        threads.shutdownNow();
        TestOrganizations.signOut();
    }

    @Test
    void parallel_acceptances_of_one_link_make_one_account_and_hash_one_password() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        String email = "newcomer-" + System.nanoTime() + "@test.example";
        String token = invitations.invite(email, Role.MEMBER).token();
        TestOrganizations.signOut();
        String password = "a long new password " + System.nanoTime();
        Gate gate = encoder.closeFor(password);

        List<Future<Boolean>> acceptances = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
            acceptances.add(threads.submit(() -> {
                try {
                    invitations.acceptWithNewAccount(token, "Nia Newcomer", password, password);
                    return true;
                } catch (ValidationException e) {
                    assertThat(e.getMessage()).isEqualTo(InvitationService.messageFor(InvitationPreview.State.USED));
                    return false;
                } finally {
                    gate.attemptReturned();
                }
            }));
        }
        gate.awaitSettled(PARALLEL, this::waitingForRowLocks);
        assertThat(gate.calls()).as("passwords hashed while all %d acceptances are in flight", PARALLEL)
                .isEqualTo(1);
        gate.open();
        int accepted = 0;
        for (Future<Boolean> acceptance : acceptances) {
            accepted += acceptance.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(accepted).as("acceptances that made an account").isEqualTo(1);
        assertThat(gate.calls()).as("passwords hashed in all").isEqualTo(1);
    }

    /** Sessions of this database waiting for a row lock right now. */
    private int waitingForRowLocks() {
        return db.fetchSingle("select count(*) from pg_stat_activity where datname = current_database() "
                + "and wait_event_type = 'Lock'").get(0, Integer.class);
    }
}
