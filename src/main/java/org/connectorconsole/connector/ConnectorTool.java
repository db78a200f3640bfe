package org.connectorconsole.connector;

import java.time.Instant;

/**
 * A tool a connector's server has offered, with the owner's policy. {@code approved} is the pinned definition
 * (null until an owner approves a tool held as new); {@code pending} a new or changed definition held for review.
 * {@code readOnly}: the server marked it read-only ({@code readOnlyHint}) when it last listed it. {@code policy} is
 * the organization's ceiling for the tool (decision 0053): what a member may do is decided by {@link ToolAccess}.
 */
public record ConnectorTool(
        ConnectorId connectorId,
        String name,
        ToolPolicy policy,
        ToolDefinition approved,
        ToolDefinition pending,
        Instant pendingSince,
        Instant firstSeen,
        int version,
        boolean readOnly) {

    /** A tool without the server's read-only hint. */
    public ConnectorTool(ConnectorId connectorId, String name, ToolPolicy policy, ToolDefinition approved,
            ToolDefinition pending, Instant pendingSince, Instant firstSeen, int version) {
        this(connectorId, name, policy, approved, pending, pendingSince, firstSeen, version, false);
    }

    public enum Review {
        APPROVED("Approved"),
        NEW("New: review"),
        CHANGED("Changed: review");

        private final String label;

        Review(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Review review() {
        if (pending == null) {
            return Review.APPROVED;
        }
        return approved == null ? Review.NEW : Review.CHANGED;
    }

    /** The definition to show: the pending one while held, else the approved one. */
    public ToolDefinition shown() {
        return pending != null ? pending : approved;
    }

    /**
     * Whether a member may call the tool as the server defines it now ({@code current}): not blocked, not held,
     * and exactly the pinned definition.
     */
    public boolean callableAs(ToolDefinition current) {
        return policy != ToolPolicy.BLOCKED && pending == null && approved != null
                && approved.fingerprint().equals(current.fingerprint());
    }

    /** Why a member cannot call it now, in their words; null when they can. */
    public String refusal(ToolDefinition current) {
        if (policy == ToolPolicy.BLOCKED) {
            return "An owner of your organization has blocked " + name + ".";
        }
        if (review() == Review.NEW) {
            return name + " is new and waits for an owner's review before anyone can use it.";
        }
        if (review() == Review.CHANGED || !approved.fingerprint().equals(current.fingerprint())) {
            return "The server changed " + name + " since an owner approved it. It cannot be used until an owner "
                    + "reviews the change.";
        }
        return null;
    }
}
