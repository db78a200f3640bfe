package org.connectorconsole.security;

import java.util.Optional;
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

    CurrentMember(IdentityRepository repository) {
        this.repository = repository;
    }

    public Optional<ConsoleUser> user() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.isAuthenticated() && auth.getPrincipal() instanceof ConsoleUser user) {
            return Optional.of(user);
        }
        return Optional.empty();
    }

    /** The signed-in person's membership in their active organisation; denied without one. */
    public Member require() {
        ConsoleUser user = user().orElseThrow(() -> new AccessDeniedException("Sign in to continue."));
        if (user.activeOrgId() == null) {
            throw new AccessDeniedException("Your account does not belong to any organisation.");
        }
        return repository.membership(user.userId(), user.activeOrgId())
                .orElseThrow(() -> new AccessDeniedException(
                        "You are no longer a member of this organisation. Sign in again."));
    }

    /** As {@link #require()}, and the person must be an owner of that organisation. */
    public Member requireOwner() {
        Member member = require();
        if (!member.isOwner()) {
            throw new AccessDeniedException("Only an owner of " + member.orgName() + " can do this.");
        }
        return member;
    }
}
