package org.connectorconsole.oauth;

import java.time.Instant;
import java.util.Set;

/**
 * What a token endpoint returned. {@code expiresAt} is null when the server sent no {@code expires_in}: such a
 * token is used until the server refuses it, not treated as expired at once. {@link #toString()} hides tokens.
 */
public record TokenSet(String accessToken, String refreshToken, Set<String> scopes, Instant expiresAt) {

    @Override
    public String toString() {
        return "TokenSet[scopes=" + scopes + ", expiresAt=" + expiresAt + ", refreshToken="
                + (refreshToken == null ? "none" : "(hidden)") + "]";
    }
}
