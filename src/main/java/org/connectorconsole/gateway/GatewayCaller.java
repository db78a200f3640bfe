package org.connectorconsole.gateway;

import java.util.Objects;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;

/**
 * Who calls the gateway: the member a credential acts for, in which organization, and the client that holds it
 * (its name is shown in the audit log and in "Authorized apps").
 *
 * @param credentialId the grant or personal access token the call came with (to revoke it and to record its use)
 */
public record GatewayCaller(OrganizationId organization, UserId member, String clientName, CredentialKind kind,
        String credentialId) {

    /** How the caller proved who it is. */
    public enum CredentialKind {
        /** An access token from the console's authorization server (an MCP client signed in through a browser). */
        OAUTH_GRANT,
        /** A personal access token the member created for a headless agent. */
        PERSONAL_TOKEN
    }

    public GatewayCaller {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(member, "member");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(credentialId, "credentialId");
    }
}
