package org.connectorconsole.connection;

import org.connectorconsole.base.ConnectorUseState;

/**
 * A member's use of a connector, as the owners' overview shows and filters it; its words, colour and icon are the
 * shared {@link ConnectorUseState}'s. The first three are stored connection statuses.
 */
public enum OverviewState {
    CONNECTED(ConnectorUseState.CONNECTED),
    NEEDS_REAUTH(ConnectorUseState.NEEDS_RECONNECT),
    FAILING(ConnectorUseState.FAILING),
    /** No connection, and the connector's server answers without a sign-in: the member may use it as it is. */
    NO_SIGN_IN(ConnectorUseState.NO_SIGN_IN),
    /** No connection to a connector whose server needs each member's sign-in ("Not connected"). */
    NEVER_CONNECTED(ConnectorUseState.NOT_CONNECTED);

    private final ConnectorUseState use;

    OverviewState(ConnectorUseState use) {
        this.use = use;
    }

    public ConnectorUseState use() {
        return use;
    }

    public String label() {
        return use.label();
    }

    /** A stored connection status (the first three). */
    public boolean stored() {
        return this == CONNECTED || this == NEEDS_REAUTH || this == FAILING;
    }
}
