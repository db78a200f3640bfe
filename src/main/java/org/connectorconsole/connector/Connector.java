package org.connectorconsole.connector;

import java.time.Instant;
import org.connectorconsole.base.ConnectorUseState;

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
        return useState().label();
    }

    /** The connector's state in the shared vocabulary (decision 0045), as the owners' list shows it. */
    public ConnectorUseState useState() {
        if (!enabled) {
            return ConnectorUseState.TURNED_OFF;
        }
        if (lastCheck == null) {
            return ConnectorUseState.NOT_CHECKED;
        }
        return switch (lastCheck.outcome()) {
            case READY -> ConnectorUseState.NO_SIGN_IN;
            case SIGN_IN_REQUIRED -> ConnectorUseState.SIGN_IN_PER_MEMBER;
            case FAILED -> ConnectorUseState.FAILING;
        };
    }
}
