package org.connectorconsole.connection;

/**
 * What disconnecting did: the message for the member and how it went, so the page colours it by what happened.
 */
public record Disconnection(String message, Outcome outcome) {

    public enum Outcome {
        /** Ended, and the server confirmed that it revoked the tokens. */
        REVOKED,
        /** Ended and the console's copy deleted, but the server offers no revocation or did not confirm it. */
        ENDED_WITHOUT_REVOCATION,
        /** Nothing was ended (not connected, or an unexpected failure). */
        NOT_DONE
    }
}
