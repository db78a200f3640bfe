package org.connectorconsole.gateway;

import java.util.Optional;

/**
 * One way to present a credential to the gateway (personal access tokens; access tokens of the console's
 * authorization server). The gateway asks each implementation in turn; the first that knows the token decides.
 *
 * <p>Deny by default: an implementation returns empty for a token it does not know, one that is expired or revoked,
 * and one issued for another endpoint. {@code resource} is the endpoint's canonical address (the console's public
 * address followed by the endpoint's path, as {@link GatewayEndpoints#resource} builds it), which an access token
 * must have been issued for (RFC 8707 audience); a personal access token is checked against the member the endpoint
 * belongs to by the gateway itself.
 */
public interface GatewayCredentials {

    Optional<GatewayCaller> authenticate(String bearerToken, String resource);
}
