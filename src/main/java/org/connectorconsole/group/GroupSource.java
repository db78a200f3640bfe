package org.connectorconsole.group;

/**
 * Who keeps a group: owners in the console, or the identity provider (SCIM provisioning, single sign-on claims).
 * Provisioned groups are changed only by their source, never by hand.
 */
public enum GroupSource {
    CONSOLE("Console"),
    SCIM("SCIM"),
    SSO("Single sign-on");

    private final String label;

    GroupSource(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Whether owners may rename, delete or change the members of such a group in the console. */
    public boolean editableByHand() {
        return this == CONSOLE;
    }
}
