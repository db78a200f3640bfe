package org.connectorconsole.connection;

import static org.connectorconsole.connection.ConnectionAccess.transportOf;
import static org.connectorconsole.connection.ConnectionRefusals.reconnectReason;

import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.connection.ConnectionRefusals.ReauthenticationNeeded;
import org.connectorconsole.connection.internal.ConnectionRepository;
import org.connectorconsole.connection.internal.ConnectionRepository.StoredConnection;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorDirectory;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.egress.Egress;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.mcp.McpProbeException;
import org.connectorconsole.mcp.McpToolSession;
import org.connectorconsole.mcp.SessionOptions;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.security.Member;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * MCP sessions for a member's tool calls: with their own token (renewed once when refused), or none for a server
 * that needs no sign-in; and what follows when a server refuses their token during a call.
 */
@Component
class ConnectionSessions {

    private final ConnectionRepository repository;
    private final ConnectionAccess access;
    private final ConnectionTokens tokens;
    private final ConnectionRefusals refusals;
    private final Egress egress;
    private final ToolWatches watches;
    private final TransactionTemplate tx;
    private final Duration timeout;

    ConnectionSessions(ConnectionRepository repository, ConnectionAccess access, ConnectionTokens tokens,
            ConnectionRefusals refusals, Egress egress, ToolWatches watches, TransactionTemplate tx,
            @Value("${console.connections.timeout:10s}") Duration timeout) {
        this.repository = repository;
        this.access = access;
        this.tokens = tokens;
        this.refusals = refusals;
        this.egress = egress;
        this.watches = watches;
        this.tx = tx;
        this.timeout = timeout;
    }

    /** Opens a session with the connector for {@code member}; the caller closes it. */
    McpToolSession open(Member member, ConnectorDirectory.Target target, Duration callTimeout)
            throws ConnectorUnavailableException {
        return open(member, target, callTimeout, SessionOptions.NONE);
    }

    /** As {@link #open(Member, ConnectorDirectory.Target, Duration)}, with {@code options} (a form answerer). */
    McpToolSession open(Member member, ConnectorDirectory.Target target, Duration callTimeout,
            SessionOptions options) throws ConnectorUnavailableException {
        Connector c = target.connector();
        StoredConnection row = access.find(member, c.id()).orElse(null);
        EgressClient client = egress.forOrganization(member.orgId());
        URI url = URI.create(c.url());
        if (row == null) {
            try {
                McpToolSession session = McpToolSession.open(client, url, transportOf(c), timeout, callTimeout, null,
                        options);
                watches.used(member, target, null);
                return session;
            } catch (McpAuthorizationException e) {
                throw new ConnectorUnavailableException(c.name() + " needs you to connect first.", true);
            } catch (McpProbeException e) {
                throw new ConnectorUnavailableException(c.name() + " cannot be reached: " + e.getMessage(), false);
            }
        }
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            throw new ConnectorUnavailableException(reconnectReason(c, row), true);
        }
        try {
            ConnectionTokens.Used<McpToolSession> used = tokens.use(member, target, row.id(),
                    token -> McpToolSession.open(client, url, transportOf(c), timeout, callTimeout, token,
                            options));
            try {
                tx.executeWithoutResult(s -> repository.markWorking(row.id(), used.token(), access.now()));
            } catch (RuntimeException e) {
                used.result().close();
                throw e;
            }
            watches.used(member, target, row.id());
            return used.result();
        } catch (ReauthenticationNeeded e) {
            throw new ConnectorUnavailableException(reconnectReason(c, access.current(row)), true);
        } catch (McpProbeException | OAuthFlowException e) {
            throw new ConnectorUnavailableException(c.name() + " could not be used: " + e.getMessage(), false);
        }
    }

    /** See {@link ConnectionService#sessionCredentials}. */
    String credentials(Member member, ConnectorDirectory.Target target) throws ConnectorUnavailableException {
        Connector c = target.connector();
        String base = c.id() + " " + transportOf(c) + " " + c.url();
        StoredConnection row = access.find(member, c.id()).orElse(null);
        if (row == null) {
            return base + " no connection";
        }
        if (row.status() == ConnectionStatus.NEEDS_REAUTH) {
            throw new ConnectorUnavailableException(reconnectReason(c, row), true);
        }
        if (row.expiresAt() != null
                && row.expiresAt().isBefore(access.now().toInstant().plus(ConnectionTokens.REFRESH_AHEAD))) {
            return null;
        }
        String token = row.accessToken() == null ? "-"
                : Tokens.sha256Hex(Base64.getEncoder().encodeToString(row.accessToken()));
        return base + " " + row.id() + " " + token;
    }

    /**
     * A server refused the member's token during use (a tool call): records that the member must sign in again
     * (with more scope for a step-up) and returns the reason to show.
     */
    String refusedDuringUse(Member member, ConnectorId connectorId, McpAuthorizationException refusal) {
        StoredConnection row = access.find(member, connectorId).orElse(null);
        if (row == null) {
            return "The server asks for a sign-in: connect to it first.";
        }
        refusals.needsReauth(row.id(), refusal);
        return reconnectReason(null, access.current(row));
    }
}
