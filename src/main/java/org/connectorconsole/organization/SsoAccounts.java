package org.connectorconsole.organization;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.internal.InvitationRepository;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.SsoEnrollment;
import org.connectorconsole.security.SsoIdentity;
import org.connectorconsole.security.SsoRefusedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which account a single sign-on belongs to. In order:
 * <ol>
 * <li>an identity (provider issuer + subject) seen before: its account, nothing else changes (open invitations
 * are joined only through their link's Join button, so an organization cannot pull an existing person in);</li>
 * <li>otherwise the provider must confirm the e-mail address ({@code email_verified}), or the sign-in is
 * refused;</li>
 * <li>an existing account with that address is linked only when an open invitation for it exists or one of its
 * organizations requires single sign-on (its owners chose the provider for their members); otherwise refused,
 * so a provider nobody chose cannot take over a password account. Linking removes the account's password: from
 * then on only single sign-on signs in, so whoever set that password (perhaps someone who intercepted an
 * invitation link) loses access. Invitations are not joined here (the Join button does that);</li>
 * <li>no account: one is created (without a password) only to accept open invitations for that address, which
 * are all joined (the first sign-in); without an invitation the sign-in is refused. An organization is never
 * created here.</li>
 * </ol>
 */
@Component
class SsoAccounts implements SsoEnrollment {

    private final InvitationRepository identities;
    private final OrganizationRepository organizations;
    private final InvitationService invitations;
    private final AuditService audit;
    private final Clock clock;

    SsoAccounts(InvitationRepository identities, OrganizationRepository organizations,
            InvitationService invitations, AuditService audit, Clock clock) {
        this.identities = identities;
        this.organizations = organizations;
        this.invitations = invitations;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    @Transactional
    public UserId resolve(SsoIdentity id) {
        if (id.subject() == null || id.subject().isBlank() || id.issuer() == null) {
            throw new SsoRefusedException("The identity provider did not say who you are. Try again.");
        }
        OffsetDateTime now = Times.utcNow(clock);
        Optional<UserId> known = identities.userForIdentity(id.issuer(), id.subject());
        if (known.isPresent()) {
            identities.seen(id.issuer(), id.subject(), now);
            return known.get();
        }
        if (id.email() == null || !id.emailVerified()) {
            throw new SsoRefusedException(id.provider() + " did not confirm your e-mail address, so the console "
                    + "cannot tell which invitation or account is yours. Ask your administrator to confirm it there.");
        }
        Optional<UserId> account = organizations.userByEmail(id.email());
        boolean invited = invitations.anyOpenFor(id.email());
        if (account.isPresent()) {
            if (!invited && !organizations.inSsoRequiredOrganization(account.get())) {
                throw new SsoRefusedException("An account for " + id.email() + " already exists and signs in with "
                        + "a password. Sign in with your password: single sign-on is linked to an existing account "
                        + "only when you are invited or your organization requires single sign-on.");
            }
            boolean passwordRemoved = organizations.removePassword(account.get());
            link(id, account.get(), now, passwordRemoved);
            return account.get();
        }
        if (!invited) {
            throw new SsoRefusedException("No organization on this console has invited " + id.email() + ". Ask an "
                    + "owner of your organization to invite this address, then sign in again.");
        }
        UserId userId = UserId.random();
        String name = DisplayNames.clean(id.name());
        if (DisplayNames.problem(name, SetupService.MAX_PERSON_NAME, "no name").isPresent()) {
            name = id.email().substring(0, id.email().indexOf('@'));
        }
        organizations.insertUser(userId, id.email(), name, null, now);
        link(id, userId, now, false);
        invitations.acceptAllFor(userId, id.email(), "sso");
        return userId;
    }

    private void link(SsoIdentity id, UserId userId, OffsetDateTime now, boolean passwordRemoved) {
        identities.link(id.issuer(), id.subject(), userId, id.email(), now);
        // recorded where the person is, or is about to be, a member
        java.util.Set<org.connectorconsole.base.OrganizationId> orgs = new java.util.LinkedHashSet<>(
                organizations.organizationsOf(userId));
        identities.pendingFor(id.email(), now).forEach(inv -> orgs.add(inv.orgId()));
        for (var orgId : orgs) {
            audit.record(AuditRecord.of(orgId, Actor.person(userId, id.email()), AuditAction.SSO_IDENTITY_LINKED)
                    .target("user", userId.toString(), id.email())
                    .details(Map.of("provider", id.provider(), "issuer", id.issuer(),
                            "passwordRemoved", Boolean.toString(passwordRemoved))));
        }
    }
}
