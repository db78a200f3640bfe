package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.GatedPasswordEncoder;
import org.connectorconsole.support.GatedPasswordEncoder.Gate;
import org.connectorconsole.support.IntegrationTest;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * The sign-in limits under parallel requests. Every password check waits at a gate the test opens, so all
 * attempts are in flight at once (no timing involved): the test waits until each attempt is either refused or
 * waiting inside the password check, then counts the checks, then lets them finish.
 */
@IntegrationTest
@Import(GatedPasswordEncoder.Configuration.class)
class SignInConcurrencyTest {

    static final int PARALLEL = 40;

    @Autowired
    TestOrganizations orgs;
    @Autowired
    AuthenticationConfiguration authenticationConfiguration;
    @Autowired
    GatedPasswordEncoder encoder;
    @Autowired
    LoginThrottle throttle;

    private final ExecutorService threads = Executors.newFixedThreadPool(PARALLEL);

    @AfterEach
    void stop() {
        encoder.openAll();
        threads.shutdownNow();
    }

    @Test
    void forty_parallel_wrong_passwords_for_one_address_are_checked_at_most_five_times() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = org.owner().email();
        Gate gate = encoder.closeFor("wrong-password");
        List<Future<Outcome>> attempts = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
            attempts.add(threads.submit(() -> attempt(gate, email, "wrong-password", "198.51.100." + gate.next())));
        }
        gate.awaitSettled(PARALLEL);
        assertThat(gate.calls()).as("password checks while all %d attempts are in flight", PARALLEL)
                .isLessThanOrEqualTo(LoginThrottle.MAX_FAILURES);
        gate.open();
        for (Future<Outcome> attempt : attempts) {
            assertThat(attempt.get(30, TimeUnit.SECONDS).signedIn()).isFalse();
        }
        assertThat(gate.calls()).isLessThanOrEqualTo(LoginThrottle.MAX_FAILURES);
        assertThat(throttle.remainingLock(email)).as("five failures lock the address").isPresent();

        Gate later = encoder.closeFor(TestOrganizations.PASSWORD);
        later.open();
        Outcome right = attempt(later, email, TestOrganizations.PASSWORD, "198.51.100.200");
        assertThat(right.signedIn()).as("the right password while the address is locked").isFalse();
        assertThat(right.refusal()).containsInstanceOf(LockedException.class);
        assertThat(later.calls()).as("a locked address spends no password check").isZero();
    }

    @Test
    void a_right_password_being_checked_holds_a_place_so_wrong_ones_arriving_meanwhile_cannot_lock_past_it()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = org.owner().email();
        Gate wrongGate = encoder.closeFor("wrong-password");
        Gate rightGate = encoder.closeFor(TestOrganizations.PASSWORD);
        Gate all = Gate.both(wrongGate, rightGate);
        // the right password first, held inside its check ...
        Future<Outcome> right = threads.submit(
                () -> attempt(all, email, TestOrganizations.PASSWORD, "203.0.113.1"));
        all.awaitSettled(1);
        assertThat(rightGate.calls()).isEqualTo(1);
        // ... then 39 wrong ones at once: its reservation leaves room for four more checks only
        List<Future<Outcome>> wrong = new ArrayList<>();
        for (int i = 0; i < PARALLEL - 1; i++) {
            wrong.add(threads.submit(() -> attempt(all, email, "wrong-password", "198.51.100." + all.next())));
        }
        all.awaitSettled(PARALLEL - 1);
        assertThat(wrongGate.calls()).as("wrong passwords checked beside the right one in flight")
                .isEqualTo(LoginThrottle.MAX_FAILURES - 1);

        wrongGate.open();
        for (Future<Outcome> attempt : wrong) {
            assertThat(attempt.get(30, TimeUnit.SECONDS).signedIn()).isFalse();
        }
        rightGate.open();
        assertThat(right.get(30, TimeUnit.SECONDS).signedIn())
                .as("four failures never lock the address: the right password, checked within the limit, signs in")
                .isTrue();
        assertThat(all.calls()).isEqualTo(LoginThrottle.MAX_FAILURES);
    }

    @Test
    void one_client_address_has_at_most_two_password_checks_in_flight() throws Exception {
        int burst = 6;
        Gate gate = encoder.closeFor("guess");
        List<Future<Outcome>> attempts = new ArrayList<>();
        for (int i = 0; i < burst; i++) {
            String address = "ghost-" + i + "-" + System.nanoTime() + "@test.example";
            attempts.add(threads.submit(() -> attempt(gate, address, "guess", "192.0.2.9")));
        }
        gate.awaitSettled(burst);
        assertThat(gate.calls()).as("checks in flight for one client").isEqualTo(2);

        // another client is not held up by the first one's burst
        Gate other = encoder.closeFor("other-guess");
        Future<Outcome> elsewhere = threads.submit(
                () -> attempt(other, "ghost-other-" + System.nanoTime() + "@test.example", "other-guess", "192.0.2.10"));
        other.awaitSettled(1);
        assertThat(other.calls()).isEqualTo(1);
        other.open();
        assertThat(elsewhere.get(30, TimeUnit.SECONDS).refusal()).isPresent();

        gate.open();
        int refusedAtOnce = 0;
        for (Future<Outcome> attempt : attempts) {
            Outcome outcome = attempt.get(30, TimeUnit.SECONDS);
            if (outcome.refusal().orElseThrow() instanceof LockedException locked) {
                assertThat(locked.getMessage()).startsWith("Too many sign-in attempts from your network at once");
                refusedAtOnce++;
            }
        }
        assertThat(refusedAtOnce).isEqualTo(burst - 2);
    }

    record Outcome(boolean signedIn, Optional<AuthenticationException> refusal) {
    }

    private Outcome attempt(Gate gate, String email, String password, String clientAddress) throws Exception {
        AuthenticationManager manager = authenticationConfiguration.getAuthenticationManager();
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.unauthenticated(email, password);
        token.setDetails(new WebAuthenticationDetails(clientAddress, null));
        try {
            return new Outcome(manager.authenticate(token).isAuthenticated(), Optional.empty());
        } catch (AuthenticationException e) {
            return new Outcome(false, Optional.of(e));
        } finally {
            gate.attemptReturned();
        }
    }
}
