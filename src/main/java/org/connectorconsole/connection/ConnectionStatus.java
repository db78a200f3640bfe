package org.connectorconsole.connection;

/** The state of a member's connection, as stored. */
public enum ConnectionStatus {
    /** Tokens in hand and the server accepted them when last asked. */
    CONNECTED,
    /** The member must sign in again: refresh failed, token revoked, or the server wants more scope. */
    NEEDS_REAUTH,
    /** Something other than the sign-in fails (server down, errors): the reason says what. */
    FAILING
}
