package org.connectorconsole.connector;

import java.time.Instant;

/**
 * A custom connector as owners see it. The OAuth client secret is write-only: this record only says whether one
 * is set.
 */
public record Connector(
        ConnectorId id,
        String name,
        String url,
        boolean enabled,
        String oauthClientId,
        boolean clientSecretSet,
        Instant createdAt,
        Instant updatedAt,
        int version,
        Diagnosis lastCheck,
        int connectedMembers) {

    public String stateLabel() {
        if (!enabled) {
            return "Disabled";
        }
        return lastCheck == null ? "Not checked yet" : lastCheck.outcome().label();
    }
}
