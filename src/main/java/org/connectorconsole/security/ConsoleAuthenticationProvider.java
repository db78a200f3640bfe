package org.connectorconsole.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.connectorconsole.base.EmailAddress;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Local-account sign-in: checks the throttle, the password (spending the same work for unknown addresses, so
 * timing tells nothing), records the outcome, and builds the session's {@link ConsoleUser}.
 */
@Component
class ConsoleAuthenticationProvider implements AuthenticationProvider {

    static final String WRONG_CREDENTIALS = "Wrong e-mail address or password.";

    private final IdentityRepository repository;
    private final PasswordEncoder passwordEncoder;
    private final LoginThrottle throttle;
    private final SignInEvents events;
    private final String unknownAccountHash;

    ConsoleAuthenticationProvider(IdentityRepository repository, PasswordEncoder passwordEncoder,
            LoginThrottle throttle, SignInEvents events) {
        this.repository = repository;
        this.passwordEncoder = passwordEncoder;
        this.throttle = throttle;
        this.events = events;
        this.unknownAccountHash = passwordEncoder.encode("no account has this password");
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String email = EmailAddress.normalize(authentication.getName());
        String password = authentication.getCredentials() == null ? "" : authentication.getCredentials().toString();
        Optional<Duration> lock = throttle.remainingLock(email);
        if (lock.isPresent()) {
            throw new LockedException(LoginThrottle.describe(lock.get()));
        }
        Optional<IdentityRepository.Account> account = repository.accountByEmail(email);
        String hash = account.map(IdentityRepository.Account::passwordHash).orElse(null);
        boolean matches = passwordEncoder.matches(password, hash == null ? unknownAccountHash : hash) && hash != null;
        if (!matches) {
            boolean lockedNow = throttle.recordFailure(email);
            account.ifPresent(a -> events.signInFailed(a.id(), a.email(), lockedNow));
            if (lockedNow) {
                throw new LockedException(LoginThrottle.describe(LoginThrottle.LOCK));
            }
            throw new BadCredentialsException(WRONG_CREDENTIALS);
        }
        IdentityRepository.Account a = account.orElseThrow();
        throttle.recordSuccess(email);
        Optional<String> ssoOnly = repository.ssoRequiredOrganization(a.id());
        if (ssoOnly.isPresent()) {
            events.passwordRefused(a.id(), a.email());
            throw new SsoRequiredException(ssoOnly.get() + " requires single sign-on: use the sign-in button of "
                    + "your identity provider below instead of a password.");
        }
        ConsoleUser user = signedInUser(repository, a, null);
        events.signedIn(repository.memberships(a.id()), "password");
        return UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
    }

    /**
     * The session's principal for an account, acting in its oldest membership: never in an organisation just
     * joined (an organisation that invites someone as owner must not pull their next session into it), and the
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
