package org.connectorconsole.base;

/**
 * An organization's plan. Team and Enterprise organizations have owners and members; Free, Pro and Max
 * organizations are one person, who owns them.
 */
public enum Plan {
    FREE("Free"),
    PRO("Pro"),
    MAX("Max"),
    TEAM("Team"),
    ENTERPRISE("Enterprise");

    private final String label;

    Plan(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Team and Enterprise: an organization of several people, where owners manage connectors. */
    public boolean isOrganization() {
        return this == TEAM || this == ENTERPRISE;
    }

    /** Every plan but Free may use custom connectors. */
    public boolean allowsCustomConnectors() {
        return this != FREE;
    }
}
