package org.connectorconsole.connector;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Times;
import org.connectorconsole.connector.internal.ToolRepository;
import org.connectorconsole.mcp.ToolInfo;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tool pinning. Whenever the console lists a connector's tools (a member's check, a conversation, a call, the
 * owner's check), the listing is compared with what is pinned: a new tool starts as the organization's default
 * (allowed at once, or held for review), a changed one is held for review and cannot be called until an owner
 * approves it. Callers have established the member or owner and pass their organization.
 */
@Component
public class ToolCatalog {

    public static final int MAX_NAME = 256;

    private final ToolRepository repository;
    private final ConnectorDirectory connectors;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    ToolCatalog(ToolRepository repository, ConnectorDirectory connectors, AuditService audit, TransactionTemplate tx,
            Clock clock) {
        this.repository = repository;
        this.connectors = connectors;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Records what the server offers now and returns each listed tool's standing (by name). Writes only when
     * something is new or changed; serialised per connector across instances.
     */
    public Map<String, ConnectorTool> reconcile(OrganizationId orgId, ConnectorId connectorId,
            List<ToolInfo> offered, Actor seenBy) {
        List<ToolInfo> listed = usable(offered);
        Map<String, ConnectorTool> known = byName(repository.list(orgId, connectorId));
        if (!needsWrite(known, listed)) {
            return standing(known, listed);
        }
        return tx.execute(status -> {
            Connector connector = connectors.lockShared(orgId, connectorId).orElse(null);
            if (connector == null) {
                return Map.<String, ConnectorTool>of();
            }
            repository.lock(connectorId);
            Map<String, ConnectorTool> current = byName(repository.list(orgId, connectorId));
            ToolSettings settings = repository.settings(orgId);
            boolean allow = settings.newTools() == ToolSettings.NewTools.ALLOW;
            var now = Times.utcNow(clock);
            List<String> added = new ArrayList<>();
            for (ToolInfo tool : listed) {
                ToolDefinition definition = ToolDefinition.of(tool);
                ConnectorTool row = current.get(tool.name());
                if (row == null) {
                    repository.insert(orgId, connectorId, definition, ToolPolicy.ALLOWED, allow, tool.readOnlyHint(),
                            now);
                    added.add(tool.name());
                    continue;
                }
                if (row.readOnly() != tool.readOnlyHint()) {
                    repository.setReadOnly(connectorId, tool.name(), tool.readOnlyHint(), now);
                }
                String fingerprint = definition.fingerprint();
                boolean isApproved = row.approved() != null && row.approved().fingerprint().equals(fingerprint);
                boolean isPending = row.pending() != null && row.pending().fingerprint().equals(fingerprint);
                if (isApproved && row.pending() != null) {
                    repository.hold(connectorId, tool.name(), null, now);
                    record(orgId, seenBy, connector, AuditAction.TOOL_CHANGE_WITHDRAWN, tool.name(),
                            Map.of("fingerprint", fingerprint));
                } else if (!isApproved && !isPending) {
                    repository.hold(connectorId, tool.name(), definition, now);
                    Map<String, String> details = new LinkedHashMap<>();
                    details.put("pinned", row.approved() == null ? "none" : row.approved().fingerprint());
                    details.put("offered", fingerprint);
                    record(orgId, seenBy, connector, AuditAction.TOOL_CHANGE_HELD, tool.name(), details);
                }
            }
            if (!added.isEmpty()) {
                Map<String, String> details = new LinkedHashMap<>();
                details.put("tools", String.join(", ", added));
                details.put("count", String.valueOf(added.size()));
                details.put("startAs", allow ? "allowed" : "held for review");
                audit.record(AuditRecord.of(orgId, seenBy, AuditAction.TOOL_DISCOVERED)
                        .target("connector", connectorId.toString(), connector.name()).details(details));
            }
            return standing(byName(repository.list(orgId, connectorId)), listed);
        });
    }

    /** The stored tools of a connector, by name (for a call that has not listed yet: a blocked tool is refused). */
    public Map<String, ConnectorTool> known(OrganizationId orgId, ConnectorId connectorId) {
        return byName(repository.list(orgId, connectorId));
    }

    public ToolSettings settings(OrganizationId orgId) {
        return repository.settings(orgId);
    }

    /**
     * What a server offers, minus what cannot be a tool: a nameless one, a name over 256 characters, and every
     * repeat of a name (the first wins; a server listing one name twice cannot smuggle a second definition).
     */
    public static List<ToolInfo> usable(List<ToolInfo> offered) {
        Map<String, ToolInfo> byName = new LinkedHashMap<>();
        for (ToolInfo tool : offered) {
            if (tool.name() != null && !tool.name().isBlank() && tool.name().length() <= MAX_NAME) {
                byName.putIfAbsent(tool.name(), tool);
            }
        }
        return List.copyOf(byName.values());
    }

    private static boolean needsWrite(Map<String, ConnectorTool> known, List<ToolInfo> listed) {
        for (ToolInfo tool : listed) {
            ConnectorTool row = known.get(tool.name());
            if (row == null) {
                return true;
            }
            if (row.readOnly() != tool.readOnlyHint()) {
                return true;
            }
            String fingerprint = ToolDefinition.of(tool).fingerprint();
            boolean isApproved = row.approved() != null && row.approved().fingerprint().equals(fingerprint);
            boolean isPending = row.pending() != null && row.pending().fingerprint().equals(fingerprint);
            if (!isPending && !isApproved || isApproved && row.pending() != null) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, ConnectorTool> standing(Map<String, ConnectorTool> rows, List<ToolInfo> listed) {
        Map<String, ConnectorTool> out = new LinkedHashMap<>();
        for (ToolInfo tool : listed) {
            ConnectorTool row = rows.get(tool.name());
            if (row != null) {
                out.put(tool.name(), row);
            }
        }
        return out;
    }

    private static Map<String, ConnectorTool> byName(List<ConnectorTool> tools) {
        Map<String, ConnectorTool> out = new LinkedHashMap<>();
        tools.forEach(t -> out.put(t.name(), t));
        return out;
    }

    private void record(OrganizationId orgId, Actor actor, Connector connector, AuditAction action, String tool,
            Map<String, String> details) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("tool", tool);
        all.putAll(details);
        audit.record(AuditRecord.of(orgId, actor, action)
                .target("connector", connector.id().toString(), connector.name()).details(all));
    }
}
