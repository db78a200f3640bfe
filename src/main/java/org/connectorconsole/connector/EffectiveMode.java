package org.connectorconsole.connector;

/**
 * What one member may do with one tool, and why, in words a member and an owner read ("Allowed for Engineering,
 * capped at Needs approval by the organization"). Decided by {@link ToolAccessRules#decide} only.
 */
public record EffectiveMode(ToolPolicy mode, String reason) {

    public boolean usable() {
        return mode != ToolPolicy.BLOCKED;
    }

    public boolean needsApproval() {
        return mode == ToolPolicy.NEEDS_APPROVAL;
    }
}
