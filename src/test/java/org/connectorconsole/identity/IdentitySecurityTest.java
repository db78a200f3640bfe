package org.connectorconsole.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.CONNECTION;
import static org.connectorconsole.db.Tables.CONNECTOR;
import static org.connectorconsole.db.Tables.INVITATION;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.ORGANIZATION;
import static org.connectorconsole.db.Tables.SSO_IDENTITY;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connection.CallbackOutcome;
import org.connectorconsole.connection.ConnectStart;
import org.connectorconsole.connection.ConnectionOverview;
import org.connectorconsole.connection.ConnectionOverviewService;
import org.connectorconsole.connection.ConnectionService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.organization.InvitationPreview;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.organization.IssuedInvitation;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.ActiveOrganization;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.SsoConsole;
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
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.transaction.support.TransactionTemplate;
import testpeers.TestAuthorizationServer;

/**
 * The fixes of the security review of organizations and identity, each shown against the real OpenID Connect
 * provider and the embedded PostgreSQL: linking single sign-on removes a password, later sign-ins join nothing
 * and never move a session into a newly joined organization, SSO-required organizations refuse password
 * sessions everywhere, and races end in messages instead of raw database errors.
 */
class IdentitySecurityTest extends SsoConsole {

    /** The bound for waits on other threads: only a hang reaches it, a loaded 2-core machine does not. */
    private static final int WAIT_SECONDS = 60;

    @Autowired
    InvitationService invitations;
    @Autowired
    OrganizationService organizations;
    @Autowired
    ActiveOrganization activeOrganization;
    @Autowired
    CurrentMember currentMember;
    @Autowired
    ConnectionOverviewService overview;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectionService connections;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    DSLContext db;

    static TestMcpServer mcp;

    @BeforeAll
    static void startMcp() {
        mcp = new TestMcpServer();
        mcp.oauthProtected("/mcp", "security-files", IDP.issuer(), "mcp", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stopMcp() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private IssuedInvitation invite(Org org, String email, Role role) {
        orgs.signIn(org.owner());
        IssuedInvitation issued = invitations.invite(email, role);
        TestOrganizations.signOut();
        return issued;
    }

    private static String newEmail(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8) + "@test.example";
    }

    private static void resume(Authentication session) {
        SecurityContextHolder.getContext().setAuthentication(session);
    }

    private void requireSso(Org org) {
        orgs.signIn(org.owner());
        organizations.setSsoRequired(true);
        TestOrganizations.signOut();
    }

    private boolean isMember(Org org, Person person) {
        return db.fetchExists(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(org.id())
                .and(MEMBERSHIP.USER_ID.eq(person.id())));
    }

    // ------------------------------------------------------------------ 1: linking removes the password

    @Test
    void linking_single_sign_on_to_a_password_account_removes_the_password_and_audits_it() {
        Org home = orgs.create(Plan.TEAM, 1);
        Org inviting = orgs.create(Plan.TEAM, 0);
        Person mia = home.members().getFirst();
        IssuedInvitation issued = invite(inviting, mia.email(), Role.MEMBER);
        orgs.signIn(mia); // the password works before the link
        TestOrganizations.signOut();

        IDP.signInAs(new TestAuthorizationServer.Person("sub-" + UUID.randomUUID(), mia.email(), "Mia", true));
        assertThat(signInThroughProvider().signedIn()).isTrue();

        assertThat(db.select(APP_USER.PASSWORD_HASH).from(APP_USER).where(APP_USER.ID.eq(mia.id()))
                .fetchOne(APP_USER.PASSWORD_HASH)).as("only single sign-on signs in from now on").isNull();
        assertThatThrownBy(() -> orgs.signIn(mia)).as("whoever knew the password is locked out")
                .isInstanceOf(AuthenticationException.class);
        String details = db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(home.id()).and(AUDIT_EVENT.ACTION.eq("sso.identity_linked")))
                .fetchSingle(AUDIT_EVENT.DETAILS).data();
        assertThat(details.replace(" ", "")).contains("\"passwordRemoved\":\"true\"");
        // 2: an existing account joins nothing by signing in; the invitation waits for its Join button
        assertThat(isMember(inviting, mia)).isFalse();
        assertThat(invitations.preview(issued.token()).state()).isEqualTo(InvitationPreview.State.OPEN);
    }

    // ------------------------------------------------------------------ 2: no silent joins, no pulled sessions

    @Test
    void a_later_sso_sign_in_joins_no_invitation_only_the_first_that_creates_the_account_does() {
        Org first = orgs.create(Plan.TEAM, 0);
        Org attacker = orgs.create(Plan.TEAM, 0);
        String email = newEmail("sso-person");
        invite(first, email, Role.MEMBER);
        IDP.signInAs(new TestAuthorizationServer.Person("sub-" + UUID.randomUUID(), email, "Sol", true));
        assertThat(signInThroughProvider().signedIn()).isTrue();
        UserId userId = db.select(APP_USER.ID).from(APP_USER).where(APP_USER.EMAIL.eq(email)).fetchSingle(APP_USER.ID);
        assertThat(db.fetchExists(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(first.id())
                .and(MEMBERSHIP.USER_ID.eq(userId)))).as("the account-creating sign-in joins").isTrue();

        IssuedInvitation asOwner = invite(attacker, email, Role.OWNER);
        assertThat(signInThroughProvider().signedIn()).isTrue();
        assertThat(db.fetchExists(MEMBERSHIP, MEMBERSHIP.ORG_ID.eq(attacker.id())
                .and(MEMBERSHIP.USER_ID.eq(userId)))).as("a later sign-in joins nothing").isFalse();
        assertThat(invitations.preview(asOwner.token()).state()).isEqualTo(InvitationPreview.State.OPEN);
    }

    @Test
    void signing_in_starts_in_the_oldest_membership_not_in_an_organization_joined_later_as_owner() {
        Org home = orgs.create(Plan.TEAM, 1);
        Org other = orgs.create(Plan.TEAM, 0);
        Person mia = home.members().getFirst();
        IssuedInvitation asOwner = invite(other, mia.email(), Role.OWNER);
        orgs.signIn(mia);
        assertThat(invitations.acceptAsSignedIn(asOwner.token())).isEqualTo(other.id());
        TestOrganizations.signOut();

        orgs.signIn(mia);
        assertThat(currentMember.require().orgId()).as("where Mia was first, although only a member there")
                .isEqualTo(home.id());
    }

    // ------------------------------------------------------------------ 3: SSO required means every session

    @Test
    void turning_sso_required_on_ends_what_existing_password_sessions_may_do() {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        Authentication miasSession = orgs.signIn(mia);
        assertThat(currentMember.require().orgId()).isEqualTo(org.id());

        requireSso(org);

        resume(miasSession);
        assertThatThrownBy(() -> currentMember.require()).isInstanceOf(AccessDeniedException.class)
                .hasMessage(org.name() + " requires single sign-on: sign out and use " + PROVIDER_NAME
                        + " to sign in.");
        assertThatThrownBy(() -> organizations.current()).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void a_password_session_can_neither_switch_into_nor_join_an_sso_required_organization() {
        Org home = orgs.create(Plan.TEAM, 1);
        Org strict = orgs.create(Plan.TEAM, 0);
        Org strictToo = orgs.create(Plan.TEAM, 0);
        Person mia = home.members().getFirst();
        IssuedInvitation toStrict = invite(strict, mia.email(), Role.MEMBER);
        IssuedInvitation toStrictToo = invite(strictToo, mia.email(), Role.MEMBER);
        Authentication session = orgs.signIn(mia);
        invitations.acceptAsSignedIn(toStrict.token());
        TestOrganizations.signOut();
        requireSso(strict);
        requireSso(strictToo);

        resume(session);
        assertThatThrownBy(() -> activeOrganization.switchTo(strict.id())).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(strict.name() + " requires single sign-on: sign out and use");
        assertThat(currentMember.require().orgId()).as("a refused switch changes nothing").isEqualTo(home.id());
        assertThatThrownBy(() -> invitations.acceptAsSignedIn(toStrictToo.token()))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining(strictToo.name() + " requires single sign-on");
        assertThat(isMember(strictToo, mia)).isFalse();
        assertThat(invitations.preview(toStrictToo.token()).state()).isEqualTo(InvitationPreview.State.OPEN);
    }

    // ------------------------------------------------------------------ 5: look-alike addresses

    @Test
    void an_invitation_for_a_look_alike_address_is_refused_with_a_message() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> invitations.invite("\u212Aate@test.example", Role.MEMBER))
                .isInstanceOf(ValidationException.class)
                .satisfies(e -> assertThat(((ValidationException) e).fieldErrors().get("email")).contains("ASCII"));
        assertThat(db.fetchCount(INVITATION, INVITATION.ORG_ID.eq(org.id()))).isZero();
    }

    // ------------------------------------------------------------------ 6: lock, then check the caller

    @Test
    void an_owner_demoted_while_waiting_for_the_organization_lock_changes_nothing() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Person second = org.members().get(0);
        Person bystander = org.members().get(1);
        orgs.signIn(org.owner());
        organizations.changeRole(second.id(), Role.OWNER, organizations.member(second.id()).version());
        Authentication secondsSession = orgs.signIn(second);
        TestOrganizations.signOut();

        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch locked = new CountDownLatch(1);
            AtomicInteger holderPid = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> tx.executeWithoutResult(s -> {
                db.select(ORGANIZATION.ID).from(ORGANIZATION).where(ORGANIZATION.ID.eq(org.id()))
                        .forUpdate().fetch();
                holderPid.set(backendPid()); // the session the others queue behind
                locked.countDown();
                // the first owner demotes the second while the second's removal waits for the lock
                db.update(MEMBERSHIP).set(MEMBERSHIP.ROLE, Role.MEMBER.name())
                        .set(MEMBERSHIP.VERSION, MEMBERSHIP.VERSION.plus(1))
                        .where(MEMBERSHIP.ORG_ID.eq(org.id()).and(MEMBERSHIP.USER_ID.eq(second.id())))
                        .execute();
                await(release);
            }));
            await(locked);
            Future<?> removal = threads.submit(() -> {
                resume(secondsSession);
                try {
                    organizations.removeMember(bystander.id());
                } finally {
                    TestOrganizations.signOut();
                }
            });
            awaitLockWaiters(holderPid.get(), 1);
            release.countDown();
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThatThrownBy(() -> removal.get(WAIT_SECONDS, TimeUnit.SECONDS)).hasCauseInstanceOf(AccessDeniedException.class);
        } finally {
            threads.shutdownNow();
        }
        assertThat(isMember(org, bystander)).isTrue();
    }

    // ------------------------------------------------------------------ 7: no connection for a removed member

    @Test
    void a_member_removed_while_their_code_is_exchanged_gets_no_connection() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Files " + UUID.randomUUID().toString().substring(0, 4),
                mcp.url("/mcp"), null, null, false));
        Authentication session = orgs.signIn(mia);
        ConnectStart start = connections.connect(c.id(), "/settings/connectors");
        Map<String, String> back = AuthorizationBrowser.approve(start.authorizationUrl());
        TestOrganizations.signOut();

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CallbackOutcome outcome;
        try {
            CountDownLatch locked = new CountDownLatch(1);
            AtomicInteger holderPid = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> tx.executeWithoutResult(s -> {
                // an owner's edit of the connector holds it: the member's store waits after the code exchange
                db.select(CONNECTOR.ID).from(CONNECTOR).where(CONNECTOR.ID.eq(c.id().value())).forUpdate().fetch();
                holderPid.set(backendPid()); // the session the others queue behind
                locked.countDown();
                await(release);
            }));
            await(locked);
            Future<CallbackOutcome> completing = threads.submit(() -> {
                resume(session);
                try {
                    return connections.complete(back.get("state"), back.get("code"), back.get("iss"),
                            back.get("error"), back.get("error_description"));
                } finally {
                    TestOrganizations.signOut();
                }
            });
            awaitLockWaiters(holderPid.get(), 1);
            orgs.signIn(org.owner());
            organizations.removeMember(mia.id()); // commits while the member's tokens wait to be stored
            TestOrganizations.signOut();
            release.countDown();
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
            outcome = completing.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        assertThat(outcome.connected()).as(outcome.message()).isFalse();
        assertThat(db.fetchCount(CONNECTION, CONNECTION.USER_ID.eq(mia.id()))).isZero();
    }

    // ------------------------------------------------------------------ 9: races and changed plans

    @Test
    void a_second_join_of_the_same_link_at_the_same_moment_is_told_it_was_used() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        Org home = orgs.create(Plan.TEAM, 1);
        Person mia = home.members().getFirst();
        IssuedInvitation issued = invite(org, mia.email(), Role.MEMBER);
        Authentication session = orgs.signIn(mia);
        TestOrganizations.signOut();

        ExecutorService threads = Executors.newFixedThreadPool(3);
        List<Future<?>> joins = new ArrayList<>();
        try {
            CountDownLatch locked = new CountDownLatch(1);
            AtomicInteger holderPid = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> tx.executeWithoutResult(s -> {
                // holds the invitation row: both joins queue (as two tabs clicking at once would), one behind
                // it, the other behind it or behind the first join's membership
                db.select(INVITATION.ID).from(INVITATION).where(INVITATION.ID.eq(issued.invitation().id()))
                        .forUpdate().fetch();
                holderPid.set(backendPid()); // the session the others queue behind
                locked.countDown();
                await(release);
            }));
            await(locked);
            for (int i = 0; i < 2; i++) {
                joins.add(threads.submit(() -> {
                    resume(session);
                    try {
                        return invitations.acceptAsSignedIn(issued.token());
                    } finally {
                        TestOrganizations.signOut();
                    }
                }));
            }
            awaitLockWaiters(holderPid.get(), 2);
            release.countDown();
            holder.get(WAIT_SECONDS, TimeUnit.SECONDS);
            int joined = 0;
            for (Future<?> join : joins) {
                try {
                    join.get(WAIT_SECONDS, TimeUnit.SECONDS);
                    joined++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ValidationException.class)
                            .hasMessageContaining("already been used");
                }
            }
            assertThat(joined).isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
        assertThat(isMember(org, mia)).isTrue();
    }

    @Test
    void two_owners_inviting_one_address_at_once_get_one_link_and_a_field_message() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = newEmail("twice");
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch locked = new CountDownLatch(1);
            AtomicInteger holderPid = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            Future<?> firstOwner = threads.submit(() -> tx.executeWithoutResult(s -> {
                // the other owner's invitation, not yet committed
                insertOpenInvitation(org, email);
                holderPid.set(backendPid()); // the session the others queue behind
                locked.countDown();
                await(release);
            }));
            await(locked);
            Future<IssuedInvitation> secondOwner = threads.submit(() -> {
                orgs.signIn(org.owner());
                try {
                    return invitations.invite(email, Role.MEMBER);
                } finally {
                    TestOrganizations.signOut();
                }
            });
            awaitLockWaiters(holderPid.get(), 1);
            release.countDown();
            firstOwner.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThatThrownBy(() -> secondOwner.get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ValidationException.class)
                    .satisfies(e -> assertThat(((ValidationException) e.getCause()).fieldErrors().get("email"))
                            .contains("already has an open invitation"));
        } finally {
            threads.shutdownNow();
        }
        assertThat(db.fetchCount(INVITATION, INVITATION.ORG_ID.eq(org.id()))).isEqualTo(1);
    }

    @Test
    void two_first_sso_sign_ins_for_one_address_at_once_both_sign_in() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = newEmail("two-tabs");
        invite(org, email, Role.MEMBER);
        String subject = "sub-" + UUID.randomUUID();
        IDP.signInAs(new TestAuthorizationServer.Person(subject, email, "Tia", true));
        registerAtProvider();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch locked = new CountDownLatch(1);
            AtomicInteger holderPid = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            Future<?> firstTab = threads.submit(() -> tx.executeWithoutResult(s -> {
                // what the other tab's first sign-in has written, not yet committed
                UserId userId = UserId.random();
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                db.insertInto(APP_USER).set(APP_USER.ID, userId).set(APP_USER.EMAIL, email)
                        .set(APP_USER.DISPLAY_NAME, "Tia").set(APP_USER.CREATED_AT, now).execute();
                db.insertInto(SSO_IDENTITY).set(SSO_IDENTITY.ISSUER, IDP.issuer()).set(SSO_IDENTITY.SUBJECT, subject)
                        .set(SSO_IDENTITY.USER_ID, userId).set(SSO_IDENTITY.EMAIL, email)
                        .set(SSO_IDENTITY.LINKED_AT, now).set(SSO_IDENTITY.LAST_SEEN_AT, now).execute();
                db.insertInto(MEMBERSHIP).set(MEMBERSHIP.ORG_ID, org.id()).set(MEMBERSHIP.USER_ID, userId)
                        .set(MEMBERSHIP.ROLE, "MEMBER").set(MEMBERSHIP.CREATED_AT, now).execute();
                holderPid.set(backendPid()); // the session the others queue behind
                locked.countDown();
                await(release);
            }));
            await(locked);
            Future<SignInResult> secondTab = threads.submit(this::signInThroughProvider);
            awaitLockWaiters(holderPid.get(), 1);
            release.countDown();
            firstTab.get(WAIT_SECONDS, TimeUnit.SECONDS);
            SignInResult result = secondTab.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(result.signedIn()).as(result.finalLocation()).isTrue();
        } finally {
            threads.shutdownNow();
        }
        assertThat(db.fetchCount(APP_USER, APP_USER.EMAIL.eq(email))).isEqualTo(1);
    }

    private void insertOpenInvitation(Org org, String email) {
        db.insertInto(INVITATION)
                .set(INVITATION.ID, UUID.randomUUID()).set(INVITATION.ORG_ID, org.id())
                .set(INVITATION.EMAIL, email).set(INVITATION.ROLE, "MEMBER")
                .set(INVITATION.TOKEN_HASH, UUID.randomUUID().toString())
                .set(INVITATION.CREATED_AT, OffsetDateTime.now(ZoneOffset.UTC))
                .set(INVITATION.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).plusDays(1)).execute();
    }

    @Test
    void an_expired_invitation_does_not_block_a_new_one_and_two_open_links_cannot_exist() {
        Org org = orgs.create(Plan.TEAM, 0);
        String email = newEmail("again");
        IssuedInvitation first = invite(org, email, Role.MEMBER);
        db.update(INVITATION).set(INVITATION.EXPIRES_AT, OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1))
                .where(INVITATION.ID.eq(first.invitation().id())).execute();
        IssuedInvitation second = invite(org, email, Role.MEMBER);
        assertThat(invitations.preview(first.token()).state()).isEqualTo(InvitationPreview.State.EXPIRED);
        assertThat(invitations.preview(second.token()).state()).isEqualTo(InvitationPreview.State.OPEN);

        assertThatThrownBy(() -> insertOpenInvitation(org, email))
                .as("the database keeps one open invitation per organization and address")
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
    }

    @Test
    void an_invitation_of_an_organization_no_longer_on_a_team_plan_is_refused_with_a_message() {
        Org org = orgs.create(Plan.TEAM, 0);
        Org home = orgs.create(Plan.TEAM, 1);
        Person mia = home.members().getFirst();
        IssuedInvitation forMia = invite(org, mia.email(), Role.MEMBER);
        IssuedInvitation forNew = invite(org, newEmail("newcomer"), Role.MEMBER);
        db.update(ORGANIZATION).set(ORGANIZATION.PLAN, Plan.PRO.name()).where(ORGANIZATION.ID.eq(org.id()))
                .execute();

        assertThatThrownBy(() -> invitations.acceptWithNewAccount(forNew.token(), "Nia", TestOrganizations.PASSWORD,
                TestOrganizations.PASSWORD)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("is now on the Pro plan");
        orgs.signIn(mia);
        assertThatThrownBy(() -> invitations.acceptAsSignedIn(forMia.token())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("is now on the Pro plan");
        assertThat(isMember(org, mia)).isFalse();
    }

    // ------------------------------------------------------------------ 10: stale role changes, long filters

    @Test
    void a_role_change_from_a_stale_page_is_refused() {
        Org org = orgs.create(Plan.TEAM, 1);
        Person mia = org.members().getFirst();
        orgs.signIn(org.owner());
        int seen = organizations.member(mia.id()).version();
        organizations.changeRole(mia.id(), Role.OWNER, seen);
        organizations.changeRole(mia.id(), Role.MEMBER, organizations.member(mia.id()).version());

        assertThatThrownBy(() -> organizations.changeRole(mia.id(), Role.OWNER, seen))
                .isInstanceOf(ConflictException.class).hasMessageContaining("changed meanwhile");
        assertThat(organizations.member(mia.id()).role()).isEqualTo(Role.MEMBER);
    }

    @Test
    void an_overlong_member_search_is_refused_with_a_message() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> overview.page(new ConnectionOverview.Filter("a".repeat(321), null, null), null, 10))
                .isInstanceOf(ValidationException.class).hasMessageContaining("at most 320");
        assertThat(overview.page(new ConnectionOverview.Filter("a".repeat(320), null, null), null, 10).rows())
                .isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** This transaction's session (its PostgreSQL backend pid). */
    private int backendPid() {
        return db.fetchOne("select pg_backend_pid()").get(0, Integer.class);
    }

    /**
     * Waits until {@code n} sessions queue behind the holder's session: blocked by it ({@code pg_blocking_pids}),
     * or by a session that is itself queued behind it (a second waiter for a row queues behind the first).
     * Counting every session that waits for a lock would also count another test's or a background task's.
     */
    private void awaitLockWaiters(int holderPid, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        int waiting = -1;
        while (System.nanoTime() < deadline) {
            waiting = db.fetchOne("""
                    with recursive queued(pid) as (
                        select pid from pg_stat_activity where ? = any(pg_blocking_pids(pid))
                        union
                        select a.pid from pg_stat_activity a join queued q on q.pid = any(pg_blocking_pids(a.pid)))
                    select count(*)::int from queued""", holderPid).get(0, Integer.class);
            if (waiting >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("expected " + n + " sessions queued behind backend " + holderPid + ", saw "
                + waiting);
    }
}
