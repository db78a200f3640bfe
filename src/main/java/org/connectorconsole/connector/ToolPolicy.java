package org.connectorconsole.connector;

/** What an owner allows members to do with one tool of a connector. */
public enum ToolPolicy {
    ALLOWED("Allowed"),
    /** Each call needs the member's explicit confirmation of its arguments. */
    NEEDS_APPROVAL("Needs approval"),
    BLOCKED("Blocked");

    private final String label;

    ToolPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
