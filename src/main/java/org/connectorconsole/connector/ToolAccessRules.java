package org.connectorconsole.connector;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one function that decides what a member may do with a tool, and says why (decision 0053). Everything a
 * member can run is decided here: the tool runner before and right before sending, the gateway's listing and
 * calls, the conversation's tool list, the member's page and the owner's explanation for a chosen member.
 *
 * <ol>
 * <li>A disabled connector (the kill switch), a connector offered to groups the member is in none of, and a tool
 * held for an owner's review (decision 0017) are blocked, whatever else is set.</li>
 * <li>The member's grants: what the connector gives everyone ({@code everyoneMode}); each of their groups' grant
 * (the group's grant for the tool if it has one, else its grant for the whole connector); and Allowed for a tool the
 * server marks read-only when an owner allows read-only tools. <b>The most permissive of these wins.</b></li>
 * <li>It is then capped by the organization's ceiling: the lower of the connector's ceiling and the tool's own
 * (the owner's tool policy). No grant exceeds it.</li>
 * </ol>
 */
public final class ToolAccessRules {

    private ToolAccessRules() {
    }

    /** A connector's rules, and whether the member is in its audience. */
    public record ConnectorRules(ConnectorId id, String name, boolean enabled, boolean everyone, boolean inAudience,
            ToolPolicy ceiling, ToolPolicy everyoneMode, boolean readOnlyAllowed) {

        /** Whether the member sees the connector at all (it may still be disabled). */
        public boolean offered() {
            return everyone || inAudience;
        }
    }

    /** A tool's rules: its ceiling (the owner's tool policy), the server's read-only hint, its review state. */
    public record ToolRules(String name, ToolPolicy ceiling, boolean readOnly, ConnectorTool.Review review) {
    }

    /** One grant of one of the member's groups on a connector: for the whole connector ({@code tool} "") or a tool. */
    public record Grant(String group, String tool, ToolPolicy mode) {
    }

    /** How permissive a mode is: Blocked 0, Needs approval 1, Allowed 2. */
    public static int rank(ToolPolicy mode) {
        return switch (mode) {
            case BLOCKED -> 0;
            case NEEDS_APPROVAL -> 1;
            case ALLOWED -> 2;
        };
    }

    public static ToolPolicy lower(ToolPolicy a, ToolPolicy b) {
        return rank(a) <= rank(b) ? a : b;
    }

    /**
     * The effective mode and its reason. {@code tool} is null for a tool the console has not seen listed yet (it is
     * decided again once listed); {@code grants} are the member's groups' grants on this connector.
     */
    public static EffectiveMode decide(ConnectorRules connector, ToolRules tool, List<Grant> grants) {
        if (!connector.enabled()) {
            return new EffectiveMode(ToolPolicy.BLOCKED, "Disabled by an owner: nobody can use " + connector.name()
                    + " until an owner enables it again.");
        }
        if (!connector.offered()) {
            return new EffectiveMode(ToolPolicy.BLOCKED, "An owner offers " + connector.name()
                    + " only to chosen groups, and you are in none of them.");
        }
        if (tool != null && tool.review() == ConnectorTool.Review.NEW) {
            return new EffectiveMode(ToolPolicy.BLOCKED, "New: held for an owner's review before anyone can use it.");
        }
        if (tool != null && tool.review() == ConnectorTool.Review.CHANGED) {
            return new EffectiveMode(ToolPolicy.BLOCKED, "Changed by the server since an owner approved it: held "
                    + "for an owner's review.");
        }
        // each group's grant for this tool: its tool grant if it has one, else its grant for the whole connector
        Map<String, ToolPolicy> byGroup = new LinkedHashMap<>();
        for (Grant g : grants) {
            if (g.tool().isEmpty()) {
                byGroup.putIfAbsent(g.group(), g.mode());
            }
        }
        String toolName = tool == null ? null : tool.name();
        for (Grant g : grants) {
            if (!g.tool().isEmpty() && g.tool().equals(toolName)) {
                byGroup.put(g.group(), g.mode());
            }
        }
        List<String> winners = new ArrayList<>();
        ToolPolicy best = connector.everyoneMode();
        winners.add("everyone");
        for (Map.Entry<String, ToolPolicy> e : byGroup.entrySet()) {
            if (rank(e.getValue()) > rank(best)) {
                best = e.getValue();
                winners.clear();
            }
            if (rank(e.getValue()) == rank(best)) {
                winners.add(e.getKey());
            }
        }
        boolean readOnly = tool != null && tool.readOnly() && connector.readOnlyAllowed();
        if (readOnly && rank(ToolPolicy.ALLOWED) > rank(best)) {
            best = ToolPolicy.ALLOWED;
            winners.clear();
        }
        List<String> outranked = new ArrayList<>();
        for (Map.Entry<String, ToolPolicy> e : byGroup.entrySet()) {
            if (rank(e.getValue()) < rank(best)) {
                outranked.add(e.getKey() + ": " + e.getValue().label());
            }
        }
        ToolPolicy ceiling = tool == null ? connector.ceiling() : lower(connector.ceiling(), tool.ceiling());
        ToolPolicy effective = lower(best, ceiling);
        StringBuilder reason = new StringBuilder(best.label());
        if (winners.isEmpty()) {
            reason.append(" as a read-only tool (an owner allows read-only tools)");
        } else {
            if (winners.size() > 1 && winners.getFirst().equals("everyone")) {
                winners.removeFirst(); // "for Engineering" says more than "for everyone and Engineering"
            }
            reason.append(" for ").append(String.join(" and ", winners));
        }
        if (rank(effective) < rank(best)) {
            reason.append(", capped at ").append(ceiling.label()).append(" by the organization");
        }
        if (!outranked.isEmpty()) {
            reason.append(" (the most permissive grant wins over ").append(String.join(", ", outranked))
                    .append(')');
        }
        return new EffectiveMode(effective, reason.append('.').toString());
    }
}
