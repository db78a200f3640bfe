package org.connectorconsole.connection;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.base.ConnectorUseState;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.connector.ConnectorTool;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.mcp.ToolInfo;

/**
 * One connector as a member sees it: its state for them, and what they can do about it. {@code tools} are the
 * tools the member can run now (none blocked, none held for review); {@code waitingForReview} counts the ones an
 * owner must review first. {@code renews}: the connection holds a refresh token, so access renews by itself.
 */
public record MemberConnector(ConnectorId id, String name, String url, State state, String reason,
        Set<String> scopes, Instant expiresAt, Instant connectedAt, List<ToolInfo> tools, int waitingForReview,
        boolean renews) {

    public MemberConnector(ConnectorId id, String name, String url, State state, String reason, Set<String> scopes,
            Instant expiresAt, Instant connectedAt, List<ToolInfo> tools) {
        this(id, name, url, state, reason, scopes, expiresAt, connectedAt, tools, 0, false);
    }

    public enum State {
        NOT_CONNECTED(ConnectorUseState.NOT_CONNECTED, "Connect"),
        NO_SIGN_IN(ConnectorUseState.NO_SIGN_IN, null),
        CONNECTED(ConnectorUseState.CONNECTED, "Disconnect"),
        NEEDS_REAUTH(ConnectorUseState.NEEDS_RECONNECT, "Reconnect"),
        FAILING(ConnectorUseState.FAILING, "Reconnect"),
        CHECKING(ConnectorUseState.CHECKING, null);

        private final ConnectorUseState use;
        private final String action;

        State(ConnectorUseState use, String action) {
            this.use = use;
            this.action = action;
        }

        /** The shared state: words, colour and icon (decision 0045). */
        public ConnectorUseState use() {
            return use;
        }

        public String label() {
            return use.label();
        }

        public String action() {
            return action;
        }
    }

    public MemberConnector withState(State newState, String newReason, List<ToolInfo> newTools) {
        return new MemberConnector(id, name, url, newState, newReason, scopes, expiresAt, connectedAt, newTools,
                newTools.isEmpty() ? 0 : waitingForReview, renews);
    }

    /**
     * Keeps of {@code offered} only what the member can run, by the owners' standing of each tool (by name): not
     * blocked, not held for review. Counts the held ones.
     */
    public MemberConnector runnable(Map<String, ConnectorTool> standing) {
        List<ToolInfo> run = new java.util.ArrayList<>();
        int waiting = 0;
        for (ToolInfo tool : tools) {
            ConnectorTool t = standing.get(tool.name());
            if (t == null || t.policy() == ToolPolicy.BLOCKED) {
                continue;
            }
            if (t.review() == ConnectorTool.Review.APPROVED) {
                run.add(tool);
            } else {
                waiting++;
            }
        }
        return new MemberConnector(id, name, url, state, reason, scopes, expiresAt, connectedAt, List.copyOf(run),
                waiting, renews);
    }
}
