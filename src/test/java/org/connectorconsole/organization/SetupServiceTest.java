package org.connectorconsole.organization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.ORGANIZATION;
import static org.connectorconsole.db.Tables.SETUP_CODE;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.SetupService.SetupRequest;
import org.connectorconsole.support.IntegrationTest;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.test.context.TestPropertySource;

/** Runs on its own, empty database (its own Spring context), as a fresh installation would. */
@IntegrationTest
@TestPropertySource(properties = "test.isolated-database=setup")
class SetupServiceTest {

    @Autowired
    SetupService setup;
    @Autowired
    DSLContext db;
    @Autowired
    AuthenticationConfiguration authentication;

    private static SetupRequest request(String code, String email) {
        return new SetupRequest(code, "Acme", Plan.TEAM, "Olivia Owner", email, "correct horse battery",
                "correct horse battery");
    }

    @Test
    void every_bad_field_is_explained_at_once_and_nothing_is_stored() {
        int orgsBefore = db.fetchCount(ORGANIZATION);
        assertThatThrownBy(() -> setup.completeSetup(new SetupRequest(" ", " ", null, "", "not-an-email", "short",
                "short")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors())
                        .containsOnlyKeys("code", "organizationName", "plan", "ownerName", "email", "password"));
        assertThatThrownBy(() -> setup.completeSetup(new SetupRequest("ABCD", "Acme", Plan.TEAM, "O",
                "o@acme.example", "long enough password", "another long password")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors())
                        .containsOnlyKeys("passwordConfirmation"));
        assertThat(db.fetchCount(ORGANIZATION)).isEqualTo(orgsBefore);
    }

    @Test
    void first_time_setup_from_one_time_code_to_a_signed_in_owner() throws Exception {
        assertThat(setup.isSetupPending()).isTrue();
        assertThat(db.fetchCount(SETUP_CODE)).as("start-up printed a code").isGreaterThanOrEqualTo(1);

        assertThatThrownBy(() -> setup.completeSetup(request("WRNG-CODE-0000", "olivia@acme.example")))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors()).containsKey("code"));
        assertThat(setup.isSetupPending()).isTrue();
        assertThat(db.fetchCount(ORGANIZATION)).isZero();

        // Two people race with valid codes (e.g. two console instances): exactly one organization results.
        String code1 = setup.issueCode();
        String code2 = setup.issueCode();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try {
            for (String[] attempt : new String[][] {{code1, "olivia@acme.example"}, {code2, "oscar@acme.example"}}) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        // lower case and spaces are forgiven: people retype codes from a log
                        setup.completeSetup(request(" " + attempt[0].toLowerCase() + " ", attempt[1]));
                        return true;
                    } catch (ValidationException e) {
                        assertThat(e.getMessage()).contains("already been set up");
                        return false;
                    }
                }));
            }
            start.countDown();
            int succeeded = 0;
            for (Future<Boolean> f : outcomes) {
                succeeded += f.get() ? 1 : 0;
            }
            assertThat(succeeded).isEqualTo(1);
        } finally {
            pool.shutdown();
        }

        assertThat(setup.isSetupPending()).isFalse();
        assertThat(db.fetchCount(ORGANIZATION)).isEqualTo(1);
        assertThat(db.fetchCount(SETUP_CODE)).as("codes are gone once used").isZero();
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ACTION.eq("organization.created"))).isEqualTo(1);

        String winner = db.fetchValue(org.jooq.impl.DSL.field("(select email from app_user limit 1)", String.class));
        var auth = authentication.getAuthenticationManager().authenticate(
                UsernamePasswordAuthenticationToken.unauthenticated(winner, "correct horse battery"));
        assertThat(auth.isAuthenticated()).isTrue();

        assertThatThrownBy(() -> setup.completeSetup(request(code1, "mallory@evil.example")))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("already been set up");
        assertThat(db.fetchCount(ORGANIZATION)).isEqualTo(1);
    }
}
