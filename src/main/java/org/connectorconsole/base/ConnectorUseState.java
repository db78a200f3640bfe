package org.connectorconsole.base;

/**
 * The one vocabulary for a member's use of a connector (and, in the owners' list, for a connector as a whole):
 * each state's words, its Lumo badge theme and its icon, defined once and used by every page that shows a state
 * (the owners' list and connector page, the member's connectors page, the connections overview, conversations),
 * the gateway's tool errors and the audit log. The table is in docs/connections.md#states (decision 0045).
 */
public enum ConnectorUseState {
    /** The server answers without a sign-in: every member may use it as it is. */
    NO_SIGN_IN("No sign-in needed", "success", "vaadin:unlock", "needs no sign-in"),
    /** The server needs each member's sign-in and this member has none. */
    NOT_CONNECTED("Not connected", "contrast", "vaadin:unlink", "is not connected: connect it first"),
    /** Signed in; the server accepted the member's token when last asked. */
    CONNECTED("Connected", "success", "vaadin:check-circle", "is connected"),
    /** The member must sign in again (refresh refused, token revoked or expired, more scope needed). */
    NEEDS_RECONNECT("Reconnect needed", "error", "vaadin:refresh", "needs you to reconnect"),
    /** Something other than the sign-in fails (server down or answering with errors). */
    FAILING("Failing", "error", "vaadin:warning", "is failing"),
    /** Being asked right now (the member's page, while it opens). */
    CHECKING("Checking…", "contrast", "vaadin:hourglass", "is being checked"),
    /** A connector whose members each sign in (the owners' list: the server's set-up works). */
    SIGN_IN_PER_MEMBER("Members sign in", "", "vaadin:user-check", "needs each member's sign-in"),
    /** A connector no check has reached yet (the owners' list). */
    NOT_CHECKED("Not checked yet", "contrast", "vaadin:question-circle-o", "has not been checked yet"),
    /** Turned off by an owner: nobody can use it until it is turned on again. */
    TURNED_OFF("Turned off", "contrast", "vaadin:ban", "is turned off by an owner"),
    /** Removed by an owner. */
    REMOVED("Removed", "contrast", "vaadin:trash", "was removed by an owner");

    private final String label;
    private final String theme;
    private final String icon;
    private final String predicate;

    ConnectorUseState(String label, String theme, String icon, String predicate) {
        this.label = label;
        this.theme = theme;
        this.icon = icon;
        this.predicate = predicate;
    }

    /** The words on the badge, in filters and in counts. */
    public String label() {
        return label;
    }

    /** The Lumo badge theme's colour word ({@code success}, {@code error}, {@code contrast}, or none). */
    public String theme() {
        return theme;
    }

    /** The Vaadin icon ({@code vaadin:...}). */
    public String icon() {
        return icon;
    }

    /** A sentence about the connector in this state, for errors: "Notes needs you to reconnect." */
    public String sentence(String connectorName) {
        return connectorName + " " + predicate + ".";
    }

    /** The member can act on it (connect, reconnect): such connectors come first on the member's page. */
    public boolean needsMemberAction() {
        return this == NOT_CONNECTED || this == NEEDS_RECONNECT || this == FAILING;
    }

    /**
     * When access ends, said once for every page: a token that renews ("Access renews in 59 min") or one that
     * does not ("Access ends in 59 min — you will need to reconnect").
     */
    public static String accessLine(String when, boolean renews) {
        return renews ? "Access renews " + when : "Access ends " + when + " — you will need to reconnect";
    }
}
