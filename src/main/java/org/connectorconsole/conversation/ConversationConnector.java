package org.connectorconsole.conversation;

import org.connectorconsole.connection.MemberConnector;
import org.connectorconsole.connector.ConnectorId;

/**
 * A connector as the "+" › Connectors menu of one conversation shows it: the member's own state with it, and
 * whether it is switched on for this conversation. Only a usable connector (connected, or needing no sign-in)
 * (or failing for now) can be switched on; the others offer Connect.
 */
public record ConversationConnector(ConnectorId connectorId, String name, MemberConnector.State state,
        String stateReason, boolean enabled) {

    public boolean usable() {
        // a failing connection still holds a sign-in: it may work again, and switching it on costs nothing
        return state == MemberConnector.State.CONNECTED || state == MemberConnector.State.NO_SIGN_IN
                || state == MemberConnector.State.FAILING;
    }
}
