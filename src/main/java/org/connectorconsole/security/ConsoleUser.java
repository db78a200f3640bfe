package org.connectorconsole.security;

import java.io.Serial;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import org.springframework.security.core.CredentialsContainer;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The principal kept in the HTTP session. It holds who signed in and which organization they act in; roles in
 * {@link #getAuthorities()} only decide what a view offers, services look the membership up again.
 */
public final class ConsoleUser implements UserDetails, CredentialsContainer {

    @Serial
    private static final long serialVersionUID = 1L;

    private final UUID userId;
    private final String email;
    private final String displayName;
    private final UUID activeOrgId;
    private final List<GrantedAuthority> authorities;
    /** {@code null} for a password sign-in, else the registration id of the single sign-on provider used. */
    private final String ssoRegistrationId;
    private String passwordHash;
    /** When this session signed in ({@code null} in a session kept from before the field existed). */
    private final Instant signedInAt;

    ConsoleUser(UserId userId, String email, String displayName, OrganizationId activeOrgId, String passwordHash,
            Collection<? extends GrantedAuthority> authorities, String ssoRegistrationId) {
        this(userId, email, displayName, activeOrgId, passwordHash, authorities, ssoRegistrationId, Instant.now());
    }

    private ConsoleUser(UserId userId, String email, String displayName, OrganizationId activeOrgId,
            String passwordHash, Collection<? extends GrantedAuthority> authorities, String ssoRegistrationId,
            Instant signedInAt) {
        this.signedInAt = signedInAt;
        this.userId = userId.value();
        this.ssoRegistrationId = ssoRegistrationId;
        this.email = email;
        this.displayName = displayName;
        this.activeOrgId = activeOrgId == null ? null : activeOrgId.value();
        this.passwordHash = passwordHash;
        this.authorities = List.copyOf(authorities);
    }

    public UserId userId() {
        return new UserId(userId);
    }

    public String email() {
        return email;
    }

    public String displayName() {
        return displayName;
    }

    /** The organization this session acts in, or {@code null} for a person without any membership. */
    public OrganizationId activeOrgId() {
        return activeOrgId == null ? null : new OrganizationId(activeOrgId);
    }

    /** Whether this session signed in through single sign-on (rather than with a password). */
    public boolean signedInWithSso() {
        return ssoRegistrationId != null;
    }

    /** How this session signed in: {@code password} or {@code sso}. */
    public String signInMethod() {
        return signedInWithSso() ? "sso" : "password";
    }

    /**
     * Whether this session began before {@code moment} (a session of unknown age did): an owner's "Revoke
     * everything" at {@code moment} ends it.
     */
    public boolean signedInBefore(Instant moment) {
        return signedInAt == null || !signedInAt.isAfter(moment);
    }

    /** The single sign-on provider's registration id this session signed in through, or {@code null}. */
    public String ssoRegistrationId() {
        return ssoRegistrationId;
    }

    /** The same person acting in another organization (the caller has checked the membership). */
    ConsoleUser inOrganization(OrganizationId orgId, Collection<? extends GrantedAuthority> newAuthorities) {
        return new ConsoleUser(userId(), email, displayName, orgId, null, newAuthorities, ssoRegistrationId,
                signedInAt);
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return authorities;
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return email;
    }

    @Override
    public void eraseCredentials() {
        passwordHash = null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsoleUser other && other.userId.equals(userId);
    }

    @Override
    public int hashCode() {
        return userId.hashCode();
    }

    @Override
    public String toString() {
        return "ConsoleUser[" + userId + "]";
    }
}
