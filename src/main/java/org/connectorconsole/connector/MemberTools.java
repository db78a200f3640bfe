package org.connectorconsole.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.connectorconsole.connector.ToolAccessRules.ConnectorRules;
import org.connectorconsole.connector.ToolAccessRules.Grant;
import org.connectorconsole.connector.ToolAccessRules.ToolRules;

/**
 * One member's standing with some or all of their organization's connectors, read at once ({@link ToolAccess}):
 * which connectors are offered to them and the effective mode of each tool, decided by {@link ToolAccessRules}.
 */
public final class MemberTools {

    /** A tool with the member's effective mode. */
    public record Tool(String name, EffectiveMode mode) {
    }

    private final Map<ConnectorId, ConnectorRules> connectors;
    private final Map<ConnectorId, List<Grant>> grants;
    private final Map<ConnectorId, Map<String, ToolRules>> tools;

    MemberTools(Map<ConnectorId, ConnectorRules> connectors, Map<ConnectorId, List<Grant>> grants,
            Map<ConnectorId, Map<String, ToolRules>> tools) {
        this.connectors = connectors;
        this.grants = grants;
        this.tools = tools;
    }

    /** Whether the connector is offered to the member (everyone, or a group of theirs); false when unknown. */
    public boolean offered(ConnectorId id) {
        ConnectorRules c = connectors.get(id);
        return c != null && c.offered();
    }

    /** The effective mode of a tool (also of one not listed yet: its connector's rules alone decide then). */
    public EffectiveMode mode(ConnectorId id, String tool) {
        ConnectorRules c = connectors.get(id);
        if (c == null) {
            return new EffectiveMode(ToolPolicy.BLOCKED, "This connector does not exist (it may have been removed).");
        }
        ToolRules rules = tools.getOrDefault(id, Map.of()).get(tool);
        return ToolAccessRules.decide(c, rules, grants.getOrDefault(id, List.of()));
    }

    /** Every tool the console knows of the connector, by name, with the member's effective mode. */
    public List<Tool> tools(ConnectorId id) {
        List<Tool> out = new ArrayList<>();
        for (String name : tools.getOrDefault(id, Map.of()).keySet()) {
            out.add(new Tool(name, mode(id, name)));
        }
        return out;
    }

    /** The connectors read (offered or not), in the order read. */
    public List<ConnectorId> connectors() {
        return List.copyOf(connectors.keySet());
    }

    /** How many tools were decided (the benchmark's check that it decided them all). */
    public int toolCount() {
        return tools.values().stream().mapToInt(Map::size).sum();
    }
}
