package org.connectorconsole.organization;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.organization.internal.InvitationRepository;
import org.connectorconsole.organization.internal.InvitationRepository.StoredInvitation;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.ConsoleUser;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.connectorconsole.security.PasswordPolicy;
import org.connectorconsole.security.Role;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Invitations to a Team or Enterprise organization: owners issue them for one e-mail address (a link with a random
 * 256-bit token, shown once; only its SHA-256 is stored; single use; expires after {@link #LIFETIME}); the
 * invited person accepts with a new local account, with the account they are signed in with (same address only),
 * or through single sign-on ({@link SsoAccounts}).
 */
@Service
public class InvitationService {

    public static final Duration LIFETIME = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CurrentMember currentMember;
    private final InvitationRepository invitations;
    private final OrganizationRepository organizations;
    private final OrganizationProvisioning provisioning;
    private final AuditService audit;
    private final Clock clock;

    InvitationService(CurrentMember currentMember, InvitationRepository invitations,
            OrganizationRepository organizations, OrganizationProvisioning provisioning, AuditService audit,
            Clock clock) {
        this.currentMember = currentMember;
        this.invitations = invitations;
        this.organizations = organizations;
        this.provisioning = provisioning;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ owners

    /** Issues an invitation for {@code rawEmail} with {@code role}; the token is in the answer and nowhere else. */
    @Transactional
    public IssuedInvitation invite(String rawEmail, Role role) {
        Member owner = requireOrganizationOwner();
        String email = EmailAddress.normalize(rawEmail);
        Map<String, String> errors = new LinkedHashMap<>();
        EmailAddress.problem(email).ifPresent(p -> errors.put("email", p));
        if (role == null) {
            errors.put("role", "Choose a role.");
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("Some fields need attention.", errors);
        }
        OffsetDateTime now = now();
        if (organizations.isMember(owner.orgId(), email)) {
            throw ValidationException.forField("email", email + " is already a member of " + owner.orgName() + ".");
        }
        if (invitations.pendingExists(owner.orgId(), email, now)) {
            throw ValidationException.forField("email", email + " already has an open invitation. Revoke it below "
                    + "to issue a new link.");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        OffsetDateTime expires = now.plus(LIFETIME);
        invitations.closeExpired(owner.orgId(), email, now);
        try {
            invitations.insert(id, owner.orgId(), email, role, Tokens.sha256Hex(token), owner.userId(), now,
                    expires);
        } catch (DataIntegrityViolationException e) {
            // another owner invited the same address at the same moment (the unique index of open invitations)
            throw ValidationException.forField("email", email + " already has an open invitation. Revoke it below "
                    + "to issue a new link.");
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.INVITATION_CREATED)
                .target("invitation", id.toString(), email)
                .details(Map.of("role", role.name(), "expiresAt", expires.toInstant().toString())));
        return new IssuedInvitation(new Invitation(id, email, role, owner.email(), now.toInstant(),
                expires.toInstant()), token);
    }

    /** The organization's open invitations, newest first. */
    @Transactional(readOnly = true)
    public List<Invitation> pending() {
        Member owner = requireOrganizationOwner();
        return invitations.pending(owner.orgId(), now()).stream().map(InvitationService::toInvitation).toList();
    }

    /** Revokes an open invitation: its link stops working at once. */
    @Transactional
    public void revoke(UUID invitationId) {
        Member owner = requireOrganizationOwner();
        StoredInvitation stored = invitations.byId(owner.orgId(), invitationId)
                .orElseThrow(() -> new NotFoundException("No such invitation in " + owner.orgName() + "."));
        if (!invitations.revoke(owner.orgId(), invitationId, now())) {
            throw new ValidationException("The invitation for " + stored.email() + " was already accepted or "
                    + "revoked.");
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.INVITATION_REVOKED)
                .target("invitation", invitationId.toString(), stored.email()));
    }

    // ------------------------------------------------------------------ the invited person

    /** What the invitation page shows; anyone holding the link may ask. */
    @Transactional(readOnly = true)
    public InvitationPreview preview(String token) {
        Optional<StoredInvitation> found = find(token);
        if (found.isEmpty()) {
            return InvitationPreview.closed(InvitationPreview.State.UNKNOWN);
        }
        StoredInvitation inv = found.get();
        InvitationPreview.State state = stateOf(inv);
        InvitationPreview.Visitor visitor = InvitationPreview.Visitor.ANONYMOUS;
        Optional<ConsoleUser> user = currentMember.user();
        if (user.isPresent()) {
            if (!user.get().email().equals(inv.email())) {
                visitor = InvitationPreview.Visitor.SOMEONE_ELSE;
            } else if (organizations.isMember(inv.orgId(), user.get().userId())) {
                visitor = InvitationPreview.Visitor.ALREADY_MEMBER;
            } else {
                visitor = InvitationPreview.Visitor.INVITED_PERSON;
            }
        }
        return new InvitationPreview(state, inv.orgName(), inv.email(), inv.role(), inv.expiresAt(), visitor,
                organizations.emailTaken(inv.email()), inv.orgSsoRequired());
    }

    /**
     * Accepts for a person who has no account yet: creates a local account with the invited address, the given
     * name and password, and the membership. Nobody may be signed in.
     */
    @Transactional
    public void acceptWithNewAccount(String token, String name, String password, String confirmation) {
        if (currentMember.user().isPresent()) {
            throw new AccessDeniedException("You are signed in: accept with your account, or sign out first.");
        }
        StoredInvitation inv = open(token);
        // held until this transaction ends: parallel acceptances of the link wait here and are told it was used,
        // instead of each hashing a password (deliberately expensive) before losing the race
        if (!invitations.lockIfOpen(inv.id(), now())) {
            throw new ValidationException(messageFor(InvitationPreview.State.USED));
        }
        if (inv.orgSsoRequired()) {
            throw new ValidationException(inv.orgName() + " requires single sign-on: accept with your identity "
                    + "provider's button instead of creating a password.");
        }
        if (organizations.emailTaken(inv.email())) {
            throw new ValidationException("An account for " + inv.email() + " already exists. Sign in with it, then "
                    + "open this link again.");
        }
        String cleanName = DisplayNames.clean(name);
        Map<String, String> errors = new LinkedHashMap<>();
        DisplayNames.problem(cleanName, SetupService.MAX_PERSON_NAME, "Enter your name.")
                .ifPresent(p -> errors.put("name", p));
        PasswordPolicy.problem(password, inv.email()).ifPresent(p -> errors.put("password", p));
        if (!errors.containsKey("password") && !password.equals(confirmation)) {
            errors.put("confirmation", "The two passwords differ.");
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("Some fields need attention.", errors);
        }
        UserId userId;
        try {
            userId = provisioning.addPerson(inv.orgId(), Actor.SYSTEM, cleanName, inv.email(), password,
                    inv.role());
        } catch (DataIntegrityViolationException e) {
            // a second tab or a double click created the account a moment ago
            throw new ValidationException(messageFor(InvitationPreview.State.USED));
        }
        consume(inv, userId, "new_account");
    }

    /** Accepts for the signed-in person, whose e-mail address must be the invited one. */
    @Transactional
    public OrganizationId acceptAsSignedIn(String token) {
        ConsoleUser user = currentMember.user().orElseThrow(() -> new AccessDeniedException("Sign in to continue."));
        StoredInvitation inv = open(token);
        if (!user.email().equals(inv.email())) {
            throw new AccessDeniedException("This invitation is for " + inv.email() + ", but you are signed in as "
                    + user.email() + ". Sign out, then open the link again and sign in as " + inv.email() + ".");
        }
        if (inv.orgSsoRequired() && !user.signedInWithSso()) {
            throw new AccessDeniedException(currentMember.ssoRequiredMessage(inv.orgName()));
        }
        if (organizations.isMember(inv.orgId(), user.userId())) {
            throw new ValidationException("You are already a member of " + inv.orgName() + ".");
        }
        OffsetDateTime now = now();
        // taken first: a second tab or a double click waits here and is told the link was used
        consume(inv, user.userId(), "signed_in");
        organizations.insertMembership(inv.orgId(), user.userId(), inv.role(), now);
        audit.record(AuditRecord.of(inv.orgId(), Actor.person(user.userId(), user.email()), AuditAction.MEMBER_ADDED)
                .target("user", user.userId().toString(), user.email())
                .details(Map.of("role", inv.role().name())));
        return inv.orgId();
    }

    /** Joins every open invitation for the person's verified address (only the sign-in that creates the account). */
    int acceptAllFor(UserId userId, String email, String via) {
        int joined = 0;
        for (StoredInvitation inv : invitations.pendingFor(email, now())) {
            if (organizations.isMember(inv.orgId(), userId) || !inv.orgPlan().isOrganization()) {
                continue;
            }
            organizations.insertMembership(inv.orgId(), userId, inv.role(), now());
            audit.record(AuditRecord.of(inv.orgId(), Actor.person(userId, email), AuditAction.MEMBER_ADDED)
                    .target("user", userId.toString(), email)
                    .details(Map.of("role", inv.role().name())));
            consume(inv, userId, via);
            joined++;
        }
        return joined;
    }

    boolean anyOpenFor(String email) {
        return !invitations.pendingFor(email, now()).isEmpty();
    }

    private void consume(StoredInvitation inv, UserId userId, String via) {
        if (!invitations.consume(inv.id(), userId, now())) {
            // another tab or instance took it in the meantime: undo everything of this transaction
            throw new ValidationException(messageFor(InvitationPreview.State.USED));
        }
        audit.record(AuditRecord.of(inv.orgId(), Actor.person(userId, inv.email()), AuditAction.INVITATION_ACCEPTED)
                .target("invitation", inv.id().toString(), inv.email())
                .details(Map.of("role", inv.role().name(), "via", via)));
    }

    private StoredInvitation open(String token) {
        StoredInvitation inv = find(token).orElseThrow(() -> new ValidationException(
                messageFor(InvitationPreview.State.UNKNOWN)));
        InvitationPreview.State state = stateOf(inv);
        if (state != InvitationPreview.State.OPEN) {
            throw new ValidationException(messageFor(state));
        }
        if (!inv.orgPlan().isOrganization()) {
            throw new ValidationException(inv.orgName() + " is now on the " + inv.orgPlan().label() + " plan, "
                    + "which has no other members, so this invitation cannot be accepted. Ask its owner.");
        }
        return inv;
    }

    /** The sentence for an invitation that cannot be accepted. */
    public static String messageFor(InvitationPreview.State state) {
        return switch (state) {
            case UNKNOWN -> "This invitation link is not valid. Check that you copied all of it, or ask the owner "
                    + "who invited you for a new one.";
            case EXPIRED -> "This invitation has expired (links work for " + LIFETIME.toDays() + " days). Ask the "
                    + "owner who invited you for a new one.";
            case USED -> "This invitation has already been used. If that was you, sign in; otherwise ask the owner "
                    + "who invited you for a new one.";
            case REVOKED -> "This invitation was withdrawn by an owner of the organization. Ask them for a new one.";
            case OPEN -> "";
        };
    }

    private Optional<StoredInvitation> find(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return Optional.empty();
        }
        return invitations.byTokenHash(Tokens.sha256Hex(token.strip()));
    }

    private InvitationPreview.State stateOf(StoredInvitation inv) {
        if (inv.acceptedAt() != null) {
            return InvitationPreview.State.USED;
        }
        // before "revoked": an expired link closed when the address was invited again still says it expired
        if (!inv.expiresAt().isAfter(clock.instant())) {
            return InvitationPreview.State.EXPIRED;
        }
        if (inv.revokedAt() != null) {
            return InvitationPreview.State.REVOKED;
        }
        return InvitationPreview.State.OPEN;
    }

    private Member requireOrganizationOwner() {
        return currentMember.requireOwner(Plan::isOrganization,
                "Only Team and Enterprise organizations have members to invite.");
    }

    private static Invitation toInvitation(StoredInvitation s) {
        return new Invitation(s.id(), s.email(), s.role(), s.invitedBy(), s.createdAt(), s.expiresAt());
    }

    private OffsetDateTime now() {
        return Times.utcNow(clock);
    }
}
