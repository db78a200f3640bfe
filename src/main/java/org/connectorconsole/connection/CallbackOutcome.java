package org.connectorconsole.connection;

/** What the callback did: where to send the member next, and what to tell them. */
public record CallbackOutcome(boolean connected, String connectorName, String message, String returnTo)
        implements java.io.Serializable {
}
