package org.connectorconsole.security;

import static org.connectorconsole.db.Tables.APP_USER;
import static org.connectorconsole.db.Tables.LOGIN_THROTTLE;
import static org.connectorconsole.db.Tables.MEMBERSHIP;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.RenderedOnce;
import org.connectorconsole.base.UserId;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectConditionStep;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Accounts, memberships as seen by sign-in, and the sign-in throttle. */
@Repository
class IdentityRepository {

    record Account(UserId id, String email, String displayName, String passwordHash, int version) {
    }

    private final DSLContext db;

    IdentityRepository(DSLContext db) {
        this.db = db;
    }

    Optional<Account> accountByEmail(String email) {
        return account(APP_USER.EMAIL.eq(email));
    }

    Optional<Account> account(UserId id) {
        return account(APP_USER.ID.eq(id));
    }

    private Optional<Account> account(Condition which) {
        return db.selectFrom(APP_USER).where(which).fetchOptional()
                .map(r -> new Account(r.getId(), r.getEmail(), r.getDisplayName(), r.getPasswordHash(),
                        r.getVersion()));
    }

    /** Every membership of the person, owners' first, then oldest first: the first is the default. */
    List<Member> memberships(UserId userId) {
        return activeMemberships(MEMBERSHIP.USER_ID.eq(userId))
                .orderBy(DSL.when(MEMBERSHIP.ROLE.eq(Role.OWNER.name()), 0).otherwise(1), MEMBERSHIP.CREATED_AT)
                .fetch(IdentityRepository::toMember);
    }

    /** The person's oldest membership (ties broken by organization id): the organization a sign-in starts in. */
    Optional<Member> oldestMembership(UserId userId) {
        return activeMemberships(MEMBERSHIP.USER_ID.eq(userId))
                .orderBy(MEMBERSHIP.CREATED_AT, MEMBERSHIP.ORG_ID)
                .limit(1)
                .fetchOptional(IdentityRepository::toMember);
    }

    /**
     * A membership (never a suspended one), whether its organization requires single sign-on, and the moment
     * before which its sessions are ended ({@code null}: none are).
     */
    record Membership(Member member, boolean ssoRequired, java.time.Instant sessionsValidAfter) {
    }

    Optional<Membership> membershipWithRules(UserId userId, OrganizationId orgId) {
        RenderedOnce once = membershipWithRules;
        if (once == null) {
            once = new RenderedOnce(db, activeMemberships(MEMBERSHIP.USER_ID.eq(new UserId(USER_MARKER))
                            .and(MEMBERSHIP.ORG_ID.eq(new OrganizationId(ORG_MARKER))),
                    ORGANIZATION.SSO_REQUIRED, MEMBERSHIP.SESSIONS_VALID_AFTER), USER_MARKER, ORG_MARKER);
            membershipWithRules = once;
        }
        return once.fetch(db, userId.value(), orgId.value()).stream().findFirst()
                .map(r -> new Membership(toMember(r), r.get(ORGANIZATION.SSO_REQUIRED),
                        r.get(MEMBERSHIP.SESSIONS_VALID_AFTER) == null ? null
                                : r.get(MEMBERSHIP.SESSIONS_VALID_AFTER).toInstant()));
    }

    /** Markers the membership read is rendered with (decision 0076); never an id in use. */
    private static final java.util.UUID USER_MARKER = new java.util.UUID(0x0c0c0c0c0c0c0c0cL, 0x761);
    private static final java.util.UUID ORG_MARKER = new java.util.UUID(0x0c0c0c0c0c0c0c0cL, 0x762);
    /**
     * The membership with its rules, rendered once ({@link RenderedOnce}): read on every gateway request and every
     * signed-in request's organization check.
     */
    private volatile RenderedOnce membershipWithRules;

    /** When the membership's sessions were last ended (also for a suspended membership), if ever. */
    Optional<java.time.Instant> sessionsValidAfter(UserId userId, OrganizationId orgId) {
        return db.select(MEMBERSHIP.SESSIONS_VALID_AFTER).from(MEMBERSHIP)
                .where(MEMBERSHIP.USER_ID.eq(userId).and(MEMBERSHIP.ORG_ID.eq(orgId))
                        .and(MEMBERSHIP.SESSIONS_VALID_AFTER.isNotNull()))
                .fetchOptional(r -> r.value1().toInstant());
    }

    Optional<Member> membership(UserId userId, OrganizationId orgId) {
        return activeMemberships(MEMBERSHIP.USER_ID.eq(userId).and(MEMBERSHIP.ORG_ID.eq(orgId)))
                .fetchOptional(IdentityRepository::toMember);
    }

    /**
     * The memberships that {@code which} selects, never a suspended one, with what {@link #toMember} reads (and the
     * {@code more} fields asked for).
     */
    private SelectConditionStep<Record> activeMemberships(Condition which, Field<?>... more) {
        List<Field<?>> fields = new ArrayList<>(List.of(APP_USER.ID, APP_USER.EMAIL, APP_USER.DISPLAY_NAME,
                ORGANIZATION.ID, ORGANIZATION.NAME, ORGANIZATION.PLAN, MEMBERSHIP.ROLE));
        fields.addAll(List.of(more));
        return db.select(fields)
                .from(MEMBERSHIP)
                .join(APP_USER).on(APP_USER.ID.eq(MEMBERSHIP.USER_ID))
                .join(ORGANIZATION).on(ORGANIZATION.ID.eq(MEMBERSHIP.ORG_ID))
                .where(which.and(MEMBERSHIP.SUSPENDED_AT.isNull()));
    }

    private static Member toMember(Record r) {
        return new Member(r.get(APP_USER.ID), r.get(APP_USER.EMAIL), r.get(APP_USER.DISPLAY_NAME),
                r.get(ORGANIZATION.ID), r.get(ORGANIZATION.NAME),
                Plan.valueOf(r.get(ORGANIZATION.PLAN)), Role.valueOf(r.get(MEMBERSHIP.ROLE)));
    }

    /** Optimistic: returns false when the account changed since {@code expectedVersion} was read. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean updateDisplayName(UserId id, String name, int expectedVersion) {
        return db.update(APP_USER)
                .set(APP_USER.DISPLAY_NAME, name)
                .set(APP_USER.VERSION, APP_USER.VERSION.plus(1))
                .where(APP_USER.ID.eq(id).and(APP_USER.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    boolean updatePassword(UserId id, String passwordHash, OffsetDateTime now, int expectedVersion) {
        return db.update(APP_USER)
                .set(APP_USER.PASSWORD_HASH, passwordHash)
                .set(APP_USER.PASSWORD_CHANGED_AT, now)
                .set(APP_USER.VERSION, APP_USER.VERSION.plus(1))
                .where(APP_USER.ID.eq(id).and(APP_USER.VERSION.eq(expectedVersion)))
                .execute() == 1;
    }

    Optional<OffsetDateTime> lockedUntil(String email) {
        return db.select(LOGIN_THROTTLE.LOCKED_UNTIL).from(LOGIN_THROTTLE)
                .where(LOGIN_THROTTLE.EMAIL.eq(email))
                .fetchOptional(LOGIN_THROTTLE.LOCKED_UNTIL);
    }

    /**
     * Reserves one attempt for the address in a single statement under the row's lock, so parallel attempts
     * (on any instance) are counted before any of them checks a password: granted only while the address is not
     * locked and its failures in the window plus the attempts already in flight stay under {@code maxAttempts}.
     * Reservations older than {@code staleBefore} (left by an instance that stopped mid-check) no longer count.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean reserveAttempt(String email, OffsetDateTime now, OffsetDateTime windowStart, OffsetDateTime staleBefore,
            int maxAttempts) {
        Field<Integer> failuresInWindow = DSL.when(LOGIN_THROTTLE.LAST_FAILURE_AT.lt(windowStart), DSL.inline(0))
                .otherwise(LOGIN_THROTTLE.FAILURES);
        Field<Integer> liveInFlight = DSL.when(LOGIN_THROTTLE.IN_FLIGHT_AT.lt(staleBefore), DSL.inline(0))
                .otherwise(LOGIN_THROTTLE.IN_FLIGHT);
        return db.insertInto(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.EMAIL, email)
                .set(LOGIN_THROTTLE.FAILURES, 0)
                .set(LOGIN_THROTTLE.LAST_FAILURE_AT, now)
                .set(LOGIN_THROTTLE.IN_FLIGHT, 1)
                .set(LOGIN_THROTTLE.IN_FLIGHT_AT, now)
                .onConflict(LOGIN_THROTTLE.EMAIL)
                .doUpdate()
                .set(LOGIN_THROTTLE.IN_FLIGHT, liveInFlight.plus(1))
                .set(LOGIN_THROTTLE.IN_FLIGHT_AT, now)
                .where(LOGIN_THROTTLE.LOCKED_UNTIL.isNull().or(LOGIN_THROTTLE.LOCKED_UNTIL.le(now)))
                .and(failuresInWindow.plus(liveInFlight).lt(maxAttempts))
                .returning(LOGIN_THROTTLE.EMAIL)
                .fetchOptional()
                .isPresent();
    }

    /**
     * Turns a reserved attempt into a failure atomically and returns the failures now counted in the window
     * (the one that reaches {@code maxFailures} sets the lock).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    int recordFailure(String email, OffsetDateTime now, OffsetDateTime windowStart, int maxFailures,
            OffsetDateTime lockUntil) {
        Field<Integer> counted = DSL.when(LOGIN_THROTTLE.LAST_FAILURE_AT.lt(windowStart), DSL.inline(1))
                .otherwise(LOGIN_THROTTLE.FAILURES.plus(1));
        return db.insertInto(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.EMAIL, email)
                .set(LOGIN_THROTTLE.FAILURES, 1)
                .set(LOGIN_THROTTLE.LAST_FAILURE_AT, now)
                .set(LOGIN_THROTTLE.LOCKED_UNTIL, maxFailures <= 1 ? lockUntil : null)
                .onConflict(LOGIN_THROTTLE.EMAIL)
                .doUpdate()
                .set(LOGIN_THROTTLE.FAILURES, counted)
                .set(LOGIN_THROTTLE.LAST_FAILURE_AT, now)
                .set(LOGIN_THROTTLE.IN_FLIGHT, releasedInFlight())
                .set(LOGIN_THROTTLE.LOCKED_UNTIL,
                        DSL.when(counted.ge(maxFailures), DSL.val(lockUntil)).otherwise(LOGIN_THROTTLE.LOCKED_UNTIL))
                .returning(LOGIN_THROTTLE.FAILURES)
                .fetchOptional(LOGIN_THROTTLE.FAILURES)
                .orElse(1);
    }

    /** A reserved attempt that proved the password: the failures are forgiven. */
    @Transactional(propagation = Propagation.MANDATORY)
    void recordSuccess(String email) {
        db.update(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.FAILURES, 0)
                .set(LOGIN_THROTTLE.LOCKED_UNTIL, (OffsetDateTime) null)
                .set(LOGIN_THROTTLE.IN_FLIGHT, releasedInFlight())
                .where(LOGIN_THROTTLE.EMAIL.eq(email))
                .execute();
    }

    /** A reserved attempt that ended without a verdict on the password (or one that should not forgive). */
    @Transactional(propagation = Propagation.MANDATORY)
    void releaseAttempt(String email) {
        db.update(LOGIN_THROTTLE)
                .set(LOGIN_THROTTLE.IN_FLIGHT, releasedInFlight())
                .where(LOGIN_THROTTLE.EMAIL.eq(email))
                .execute();
    }

    private static Field<Integer> releasedInFlight() {
        return DSL.greatest(LOGIN_THROTTLE.IN_FLIGHT.minus(1), DSL.inline(0));
    }

    /** The name of one organization of the person that requires single sign-on, if any. */
    Optional<String> ssoRequiredOrganization(UserId userId) {
        return db.select(ORGANIZATION.NAME).from(MEMBERSHIP)
                .join(ORGANIZATION).on(ORGANIZATION.ID.eq(MEMBERSHIP.ORG_ID))
                .where(MEMBERSHIP.USER_ID.eq(userId).and(ORGANIZATION.SSO_REQUIRED.isTrue()))
                .orderBy(ORGANIZATION.NAME).limit(1)
                .fetchOptional(ORGANIZATION.NAME);
    }

    boolean anyOwnerExists() {
        return db.fetchExists(MEMBERSHIP, MEMBERSHIP.ROLE.eq(Role.OWNER.name()));
    }
}
