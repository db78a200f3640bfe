package org.connectorconsole.oauth;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.mcp.TransportDetection;

/** Steps 1–4 of the MCP authorization checklist, for a connector that a member is about to connect. */
public final class AuthorizationTargets {

    private AuthorizationTargets() {
    }

    /**
     * Calls the server without a token. Empty when it answers without asking for authorization; otherwise the
     * discovered target, with PKCE S256 and both endpoints present.
     */
    public static Optional<AuthorizationTarget> discover(EgressClient egress, URI url, Duration timeout)
            throws OAuthFlowException {
        return discover(egress, url, timeout, true);
    }

    /**
     * {@link #discover(EgressClient, URI, Duration)} for enterprise-managed authorization (an ID-JAG redeemed with
     * the JWT bearer grant): the authorization server needs a token endpoint only; no browser is sent to it, so
     * neither an authorization endpoint nor PKCE is asked for (decision 0063).
     */
    public static Optional<AuthorizationTarget> discoverForGrant(EgressClient egress, URI url, Duration timeout)
            throws OAuthFlowException {
        return discover(egress, url, timeout, false);
    }

    private static Optional<AuthorizationTarget> discover(EgressClient egress, URI url, Duration timeout,
            boolean interactive) throws OAuthFlowException {
        TransportDetection detection = McpProbe.detect(egress, url, timeout);
        if (!detection.ok()) {
            throw new OAuthFlowException("The server could not be reached: " + detection.failure());
        }
        if (!detection.authorizationRequired()) {
            return Optional.empty();
        }
        BearerChallenge challenge = BearerChallenge.parse(detection.wwwAuthenticate()).orElse(null);
        return Optional.of(discover(egress, url, challenge, interactive));
    }

    /**
     * Discovery from a challenge already in hand (a 401 or a 403 {@code insufficient_scope}). The protected resource
     * metadata's {@code resource} must cover the server's URL (else nothing goes further), and is then sent exactly
     * as published; the authorization server's metadata must name exactly the issuer it was fetched for. A server
     * that publishes no resource metadata at any location (and named none in its challenge) gets the MCP 2025-03-26
     * fallbacks: authorization server metadata at its origin, else the default endpoints there.
     */
    public static AuthorizationTarget discover(EgressClient egress, URI url, BearerChallenge challenge)
            throws OAuthFlowException {
        return discover(egress, url, challenge, true);
    }

    private static AuthorizationTarget discover(EgressClient egress, URI url, BearerChallenge challenge,
            boolean interactive) throws OAuthFlowException {
        try {
            ProtectedResourceMetadata prm;
            AuthorizationServerMetadata as;
            String resource;
            try {
                prm = AuthorizationDiscovery.protectedResource(egress, url, challenge);
                as = AuthorizationDiscovery.authorizationServer(egress, prm.authorizationServers().getFirst());
                resource = prm.resource();
            } catch (DiscoveryException e) {
                boolean named = challenge != null && challenge.resourceMetadata() != null
                        && !challenge.resourceMetadata().isBlank();
                if (!e.notFound() || named || !e.getMessage().startsWith("No protected resource metadata")) {
                    throw e;
                }
                prm = null;
                as = legacyServer(egress, url);
                resource = AuthorizationDiscovery.canonical(url);
            }
            // Before the member's browser is sent anywhere or anything is registered: every address the server
            // handed back passes the policy, or connecting stops here naming the one refused.
            ServerAddresses.requireAllowed(egress, as);
            if (!interactive) {
                if (as.tokenEndpoint() == null) {
                    throw new OAuthFlowException("The authorization server " + as.issuer() + " names no token "
                            + "endpoint in its metadata.");
                }
                return new AuthorizationTarget(resource, prm, as, challenge == null ? null : challenge.scope());
            }
            boolean browserSignIn = as.supportsS256() && as.authorizationEndpoint() != null;
            if (!browserSignIn && as.supportsJwtBearerGrant()) {
                throw new OAuthFlowException("The authorization server " + as.issuer() + " offers no sign-in "
                        + "through the browser (" + (as.authorizationEndpoint() == null ? "no authorization endpoint"
                        : "no PKCE with S256") + "): it accepts only an organization's sign-in. Ask an owner to "
                        + "switch this connector to the organization's sign-in (Organization sign-in).");
            }
            if (!as.supportsS256()) {
                throw new OAuthFlowException("The authorization server " + as.issuer() + " does not offer PKCE with "
                        + "S256, which the console always uses; ask the owner to contact the server's provider.");
            }
            if (as.authorizationEndpoint() == null || as.tokenEndpoint() == null) {
                throw new OAuthFlowException("The authorization server " + as.issuer() + " names no authorization "
                        + "or token endpoint in its metadata.");
            }
            return new AuthorizationTarget(resource, prm, as, challenge == null ? null : challenge.scope());
        } catch (DiscoveryException e) {
            throw new OAuthFlowException(e.getMessage(), null, e);
        }
    }

    /**
     * The metadata of {@code issuer}, found again for a code exchange or a refresh: for the issuer a 2025-03-26
     * server's fallback chose (the server's origin) that publishes no metadata, the default endpoints again.
     */
    public static AuthorizationServerMetadata server(EgressClient egress, String issuer, URI url)
            throws DiscoveryException {
        try {
            return AuthorizationDiscovery.authorizationServer(egress, issuer);
        } catch (DiscoveryException e) {
            if (!e.notFound() || !issuer.equals(AuthorizationDiscovery.legacyIssuer(url))) {
                throw e;
            }
            return AuthorizationDiscovery.legacyDefaults(egress, url);
        }
    }

    /** MCP 2025-03-26: metadata at the server's origin (its issuer checked as any), else the default endpoints. */
    private static AuthorizationServerMetadata legacyServer(EgressClient egress, URI url) throws DiscoveryException {
        try {
            return AuthorizationDiscovery.authorizationServer(egress, AuthorizationDiscovery.legacyIssuer(url));
        } catch (DiscoveryException e) {
            if (!e.notFound()) {
                throw e;
            }
            return AuthorizationDiscovery.legacyDefaults(egress, url);
        }
    }
}
