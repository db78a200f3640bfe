package org.connectorconsole.connection;

/** A member's connection to a connector, as the owners' overview shows it. */
public enum OverviewState {
    CONNECTED("Connected"),
    NEEDS_REAUTH("Needs re-authentication"),
    FAILING("Failing"),
    NEVER_CONNECTED("Never connected");

    private final String label;

    OverviewState(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
