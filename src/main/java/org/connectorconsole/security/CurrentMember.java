package org.connectorconsole.security;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.connectorconsole.base.Plan;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The signed-in person and their membership, looked up in the database on every call: a role or membership
 * changed since sign-in takes effect at once. Every service method starts here.
 */
@Component
public class CurrentMember {

    private final IdentityRepository repository;
    private final SignInOptions signInOptions;

    CurrentMember(IdentityRepository repository, SignInOptions signInOptions) {
        this.repository = repository;
        this.signInOptions = signInOptions;
    }

    public Optional<ConsoleUser> user() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.isAuthenticated() && auth.getPrincipal() instanceof ConsoleUser user) {
            return Optional.of(user);
        }
        return Optional.empty();
    }

    /**
     * The signed-in person's membership in their active organization; denied without one, and denied to a session
     * that signed in with a password when the organization requires single sign-on (also when an owner turned
     * that on after this session began).
     */
    public Member require() {
        ConsoleUser user = user().orElseThrow(() -> new AccessDeniedException("Sign in to continue."));
        if (user.activeOrgId() == null) {
            throw new AccessDeniedException("Your account does not belong to any organization.");
        }
        IdentityRepository.Membership m = repository.membershipWithRules(user.userId(), user.activeOrgId())
                .orElseThrow(() -> new AccessDeniedException(
                        "You are no longer a member of this organization. Sign in again."));
        refuseUnlessSignedInAsRequired(user, m);
        if (sessionEnded(user, m)) {
            throw new AccessDeniedException("An owner of " + m.member().orgName() + " ended your sessions. Sign in "
                    + "again.");
        }
        return m.member();
    }

    /**
     * Whether an owner ("Revoke everything") or the identity provider (a deactivation) ended this session's
     * sessions in its active organization after it signed in. (A session whose membership is gone is refused by
     * {@link #require()}.)
     */
    public boolean sessionEnded(ConsoleUser user) {
        if (user.activeOrgId() == null) {
            return false;
        }
        return repository.sessionsValidAfter(user.userId(), user.activeOrgId())
                .map(user::signedInBefore).orElse(false);
    }

    private static boolean sessionEnded(ConsoleUser user, IdentityRepository.Membership m) {
        return m.sessionsValidAfter() != null && user.signedInBefore(m.sessionsValidAfter());
    }

    /**
     * The membership of a caller that is not a signed-in session (the gateway's bearer tokens) as the database says
     * now; empty when the person is no longer a member of that organization.
     */
    public Optional<Member> of(org.connectorconsole.base.UserId userId,
            org.connectorconsole.base.OrganizationId orgId) {
        return repository.membershipWithRules(userId, orgId).map(IdentityRepository.Membership::member);
    }

    /** Refuses a password session in an organization that requires single sign-on. */
    void refuseUnlessSignedInAsRequired(ConsoleUser user, IdentityRepository.Membership m) {
        if (m.ssoRequired() && !user.signedInWithSso()) {
            throw new AccessDeniedException(ssoRequiredMessage(m.member().orgName()));
        }
    }

    /** "&lt;org&gt; requires single sign-on: sign out and use &lt;provider&gt;." */
    public String ssoRequiredMessage(String orgName) {
        List<String> names = signInOptions.ssoProviders().stream().map(SignInOptions.SsoProvider::name).toList();
        return orgName + " requires single sign-on: sign out and use " + (names.isEmpty()
                ? "your identity provider" : String.join(" or ", names)) + " to sign in.";
    }

    /** As {@link #require()}, and the person must be an owner of that organization. */
    public Member requireOwner() {
        Member member = require();
        if (!member.isOwner()) {
            throw new AccessDeniedException("Only an owner of " + member.orgName() + " can do this.");
        }
        return member;
    }

    /**
     * As {@link #requireOwner()}, and the organization's plan must pass {@code plan} (e.g. {@code
     * Plan::isOrganization}); else access is denied with {@code refusal}, the service's own words for why.
     */
    public Member requireOwner(Predicate<Plan> plan, String refusal) {
        Member owner = requireOwner();
        if (!plan.test(owner.plan())) {
            throw new AccessDeniedException(refusal);
        }
        return owner;
    }
}
