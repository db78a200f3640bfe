package org.connectorconsole.connection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.UserId;
import org.connectorconsole.connector.ConnectorId;

/** The owners' view of every connector × member of their organization: the types it pages through. */
public final class ConnectionOverview {

    private ConnectionOverview() {
    }

    /** One member's connection (or its absence) to one connector. Holds no token. */
    public record Row(UserId userId, String memberName, String memberEmail, ConnectorId connectorId,
            String connectorName, OverviewState state, String reason, Set<String> scopes, Instant expiresAt,
            Instant lastUsedAt, Instant reconnectRequestedAt) {
    }

    /** Which rows to show; {@code null} fields do not filter. {@code member} matches name or e-mail address. */
    public record Filter(String member, ConnectorId connector, OverviewState state) {
        public static final Filter NONE = new Filter(null, null, null);
    }

    /** Where the next page starts (after this member e-mail, connector name and id). */
    public record Cursor(String memberEmail, String connectorName, UUID connectorId) {
    }

    public record Page(List<Row> rows, Cursor next) {
        public boolean hasMore() {
            return next != null;
        }
    }

    /** How many connector × member pairs are in each state, for the whole organization. */
    public record Counts(Map<OverviewState, Long> byState) {
        public long of(OverviewState state) {
            return byState.getOrDefault(state, 0L);
        }
    }
}
