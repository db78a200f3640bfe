package org.connectorconsole.connection;

import java.util.Set;
import java.util.UUID;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.BearerChallenge;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * A server refused a member's token: records that they must sign in again (with more scope for a step-up, up to
 * {@link #MAX_STEP_UPS} times) and says why.
 */
@Component
class ConnectionRefusals {

    static final int MAX_STEP_UPS = 3;

    private final ConnectionRepository repository;
    private final ConnectionAccess access;

    ConnectionRefusals(ConnectionRepository repository, ConnectionAccess access) {
        this.repository = repository;
        this.access = access;
    }

    /** A 401 that survived a refresh, or a 403: the member must sign in again (with more scope for a step-up). */
    @Transactional
    ReauthenticationNeeded needsReauth(UUID connectionId, McpAuthorizationException e) {
        BearerChallenge challenge = BearerChallenge.parse(e.wwwAuthenticate()).orElse(null);
        repository.find(connectionId).ifPresent(row -> {
            if (e.status() == 403 && challenge != null && "insufficient_scope".equals(challenge.error())) {
                stepUp(row, challenge.scope());
            } else {
                String reason = e.status() == 401
                        ? "The server no longer accepts your sign-in (it may have been revoked). Reconnect."
                        : "The server refuses your sign-in (HTTP " + e.status() + "). Reconnect; if that does not "
                                + "help, ask an owner of your organization.";
                repository.setStatus(connectionId, ConnectionStatus.NEEDS_REAUTH, reason, row.requiredScope(),
                        row.stepUps(), access.now());
            }
        });
        return new ReauthenticationNeeded();
    }

    private void stepUp(StoredConnection row, String scope) {
        int stepUps = row.stepUps() + 1;
        if (stepUps > MAX_STEP_UPS) {
            repository.setStatus(row.id(), ConnectionStatus.FAILING, "The server keeps asking for more "
                    + "permissions than a sign-in grants (after " + MAX_STEP_UPS + " attempts). Tell an "
                    + "owner of your organization.", null, stepUps, access.now());
        } else {
            Set<String> wanted = AuthorizationTarget.split(row.scope());
            wanted.addAll(AuthorizationTarget.split(scope));
            repository.setStatus(row.id(), ConnectionStatus.NEEDS_REAUTH, "The server needs more "
                    + "permission" + (scope == null ? "" : " (" + scope + ")") + " than you granted. "
                    + "Reconnect to grant it.", String.join(" ", wanted), stepUps, access.now());
        }
    }

    static String reconnectReason(Connector c, StoredConnection row) {
        if (row.statusReason() != null) {
            return row.statusReason();
        }
        return "Reconnect" + (c == null ? "" : " " + c.name()) + ": your sign-in is no longer accepted.";
    }

    /** Thrown once the stored status says the member must sign in again. */
    static final class ReauthenticationNeeded extends Exception {
        ReauthenticationNeeded() {
            super(null, null, false, false);
        }
    }
}
