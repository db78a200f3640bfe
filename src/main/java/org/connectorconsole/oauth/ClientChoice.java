package org.connectorconsole.oauth;

import java.time.Duration;
import org.connectorconsole.egress.EgressClient;

/**
 * Which client the console is at the authorization server discovery found (step 5 of the checklist), for the
 * console's connect flow and the headless client alike. MCP 2026-07-28 (SEP-2352): client credentials are bound to
 * the authorization server that issued them. A dynamically registered client is kept per issuer and never presented
 * to another one (a server that moves to another authorization server gets a fresh registration there); the
 * owner's client ID and secret are bound to the first issuer they are used with and never sent to another one —
 * connecting stops with {@link #OTHER_ISSUER} and a sentence telling the owner what to do.
 */
public final class ClientChoice {

    /** The OAuth error code of the refusal to send an owner's credentials to another issuer. */
    public static final String OTHER_ISSUER = "owner_credentials_for_another_issuer";

    private ClientChoice() {
    }

    /** An owner's client ID (and secret, if any) and the issuer they are bound to (null: not used anywhere yet). */
    public record OwnerCredentials(String clientId, String clientSecret, String issuer) {
        @Override
        public String toString() {
            return "OwnerCredentials[clientId=" + clientId + ", secret=" + (clientSecret == null ? "none" : "(hidden)")
                    + ", issuer=" + issuer + "]";
        }
    }

    /** Where dynamically registered clients are kept: at most one per issuer. */
    public interface Registrations {
        /** The client registered at {@code issuer}; when there is none, the one {@code registration} makes, kept. */
        OAuthClient at(String issuer, Registration registration) throws OAuthFlowException;
    }

    /** One registration request (RFC 7591) at the issuer asked for. */
    @FunctionalInterface
    public interface Registration {
        OAuthClient register() throws OAuthFlowException;
    }

    /**
     * In order: the owner's credentials (only at the issuer they are bound to); the console's Client ID Metadata
     * Document when the server supports it; the client registered at this issuer, registering one when there is none.
     */
    public static OAuthClient choose(AuthorizationTarget target, OwnerCredentials owner, String metadataDocument,
            Registrations registrations, EgressClient egress, String redirectUri, Duration timeout)
            throws OAuthFlowException {
        AuthorizationServerMetadata as = target.server();
        if (owner != null) {
            requireBound(owner, as.issuer());
            return ClientRegistrar.owners(owner.clientId(), owner.clientSecret(), as);
        }
        if (metadataDocument != null && as.clientIdMetadataDocumentSupported()) {
            return ClientRegistrar.metadataDocument(metadataDocument);
        }
        return registrations.at(as.issuer(), () -> ClientRegistrar.register(egress, as, redirectUri,
                target.registrationScopes(), timeout));
    }

    /** Refuses owner's credentials bound to another issuer than {@code issuer}. */
    public static void requireBound(OwnerCredentials owner, String issuer) throws OAuthFlowException {
        if (owner.issuer() != null && !owner.issuer().equals(issuer)) {
            throw new OAuthFlowException(otherIssuer(owner.issuer(), issuer), OTHER_ISSUER, null);
        }
    }

    /** The sentence for the owner (the doctor) and the member (the connect error). */
    public static String otherIssuer(String bound, String now) {
        return "The server now sends its users to the authorization server " + now + ", but the connector's client "
                + "credentials were entered for " + bound + ". The console does not send them to another "
                + "authorization server: an owner must enter a client ID (and secret) issued by " + now
                + " in the connector's Advanced settings.";
    }
}
