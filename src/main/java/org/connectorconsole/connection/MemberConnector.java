package org.connectorconsole.connection;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.mcp.ToolInfo;

/** One connector as a member sees it: its state for them, and what they can do about it. */
public record MemberConnector(ConnectorId id, String name, String url, State state, String reason,
        Set<String> scopes, Instant expiresAt, Instant connectedAt, List<ToolInfo> tools) {

    public enum State {
        NOT_CONNECTED("Not connected", "Connect"),
        NO_SIGN_IN("Available", null),
        CONNECTED("Connected", "Disconnect"),
        NEEDS_REAUTH("Needs sign-in again", "Reconnect"),
        FAILING("Error", "Reconnect"),
        CHECKING("Checking…", null);

        private final String label;
        private final String action;

        State(String label, String action) {
            this.label = label;
            this.action = action;
        }

        public String label() {
            return label;
        }

        public String action() {
            return action;
        }
    }

    public MemberConnector withState(State newState, String newReason, List<ToolInfo> newTools) {
        return new MemberConnector(id, name, url, newState, newReason, scopes, expiresAt, connectedAt, newTools);
    }
}
