package org.connectorconsole.gatewayauth;

import java.time.Instant;

/**
 * A client that holds access to one of a member's gateway endpoints: what "Authorized apps" shows.
 *
 * @param id the grant's id (to revoke it)
 * @param what what it can use ("all your connectors in Acme", "the connectors switched on in …")
 * @param lastUsedAt null when never used
 */
public record AuthorizedApp(String id, String memberEmail, String clientName, String clientId, String resource,
        String what, Instant grantedAt, Instant lastUsedAt) {
}
