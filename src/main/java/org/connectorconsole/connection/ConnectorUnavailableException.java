package org.connectorconsole.connection;

/**
 * A connector cannot be used by this member right now; the message says why in a person's words.
 * {@code reconnect} is true when connecting (again) is what helps.
 */
public class ConnectorUnavailableException extends Exception {

    private final boolean reconnect;

    public ConnectorUnavailableException(String message, boolean reconnect) {
        super(message);
        this.reconnect = reconnect;
    }

    public boolean reconnect() {
        return reconnect;
    }
}
