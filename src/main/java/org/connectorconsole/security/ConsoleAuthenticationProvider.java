package org.connectorconsole.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.EmailAddress;
import org.connectorconsole.base.RequestOrigin;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Local-account sign-in: bounds the client's checks in flight, reserves the attempt with the throttle, checks the
 * password (spending the same work for unknown addresses, so timing tells nothing), settles the attempt, and
 * builds the session's {@link ConsoleUser}.
 */
@Component
class ConsoleAuthenticationProvider implements AuthenticationProvider {

    static final String WRONG_CREDENTIALS = "Wrong e-mail address or password.";

    private final IdentityRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final LoginThrottle throttle;
    private final ClientSignInLimit clientLimit;
    private final SignInEvents events;
    private final String unknownAccountHash;

    ConsoleAuthenticationProvider(IdentityRepository repository, PasswordEncoder passwordEncoder,
            LoginThrottle throttle, ClientSignInLimit clientLimit, SignInEvents events) {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.throttle = throttle;
        this.clientLimit = clientLimit;
        this.events = events;
        this.unknownAccountHash = passwordEncoder.encode("no account has this password");
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = EmailAddress.normalize(authentication.getName());
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        Optional<String> client = clientAddress(authentication);
        if (client.isPresent() && !clientLimit.tryAcquire(client.get())) {
            throw new LockedException(ClientSignInLimit.REFUSAL);
        }
        try {
            IdentityRepository.Account a = checkPassword(email, password);
            Optional<String> ssoOnly = repository.ssoRequiredOrganization(a.id());
            if (ssoOnly.isPresent()) {
                events.passwordRefused(a.id(), a.email());
                throw new SsoRequiredException(ssoOnly.get() + " requires single sign-on: use the sign-in button of "
                        + "your identity provider below instead of a password.");
            }
            ConsoleUser user = signedInUser(repository, a, null);
            events.signedIn(repository.memberships(a.id()), "password");
            return UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
        } finally {
            client.ifPresent(clientLimit::release);
        }
    }

    /**
     * The account whose password this is, inside an attempt reserved with the throttle first: the reservation,
     * not a lock check, is what keeps parallel attempts from all reaching the (expensive) check.
     */
    private IdentityRepository.Account checkPassword(String email, String password) {
        Optional<String> refusal = throttle.reserve(email);
        if (refusal.isPresent()) {
            throw new LockedException(refusal.get());
        }
        boolean settled = false;
        try {
            Optional<IdentityRepository.Account> account = repository.accountByEmail(email);
            String hash = account.map(IdentityRepository.Account::passwordHash).orElse(null);
            boolean matches = passwordEncoder.matches(password, hash == null ? unknownAccountHash : hash)
                    && hash != null;
            settled = true;
            if (!matches) {
                boolean lockedNow = throttle.recordFailure(email);
                account.ifPresent(a -> events.signInFailed(a.id(), a.email(), lockedNow));
                if (lockedNow) {
                    throw new LockedException(LoginThrottle.describe(LoginThrottle.LOCK));
                }
                throw new BadCredentialsException(WRONG_CREDENTIALS);
            }
            throttle.recordSuccess(email);
            return account.orElseThrow();
        } finally {
            if (!settled) {
                throttle.release(email);
            }
        }
    }

    /** The client's address as the sign-in filter saw it (or the request being served, for other callers). */
    private static Optional<String> clientAddress(Authentication authentication) {
        if (authentication.getDetails() instanceof WebAuthenticationDetails details
                && details.getRemoteAddress() != null) {
            return Optional.of(details.getRemoteAddress());
        }
        return RequestOrigin.current().map(RequestOrigin::clientAddress);
    }

    /**
     * The session's principal for an account, acting in its oldest membership: never in an organization just
     * joined (an organization that invites someone as owner must not pull their next session into it), and the
     * same one at every sign-in. {@code ssoRegistrationId} is null for a password sign-in.
     */
    static ConsoleUser signedInUser(IdentityRepository repository, IdentityRepository.Account a,
            String ssoRegistrationId) {
        Optional<Member> active = repository.oldestMembership(a.id());
        return new ConsoleUser(a.id(), a.email(), a.displayName(), active.map(Member::orgId).orElse(null), null,
                authoritiesFor(active.orElse(null)), ssoRegistrationId);
    }

    static List<GrantedAuthority> authoritiesFor(Member active) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        if (active != null) {
            authorities.add(new SimpleGrantedAuthority(active.role().authority()));
            if (active.isOwner() && active.plan().isOrganization()) {
                authorities.add(new SimpleGrantedAuthority("ROLE_" + Authorities.ORG_OWNER));
            }
        }
        return authorities;
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
