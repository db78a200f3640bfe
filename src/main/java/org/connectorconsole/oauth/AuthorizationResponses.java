package org.connectorconsole.oauth;

/** Checks on the authorization server's answer at the redirect URI. */
public final class AuthorizationResponses {

    private AuthorizationResponses() {
    }

    /**
     * RFC 9207: an {@code iss} in the answer must be the expected issuer; without one, the answer is accepted only
     * from a server whose metadata does not promise to send it (mix-up defence).
     */
    public static boolean issuerAccepted(String iss, String expectedIssuer, boolean issPromised) {
        return iss != null ? iss.equals(expectedIssuer) : !issPromised;
    }
}
