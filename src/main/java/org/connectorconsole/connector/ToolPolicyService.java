package org.connectorconsole.connector;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.connector.internal.ToolRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Owners' control of tools: each tool's policy (allowed, needs approval, blocked), the review of new and changed
 * tools (with a readable diff against the pinned definition), and the organization's tool settings. Every method
 * checks, on the server, that the caller is an owner of a paid plan and acts within their organization.
 */
@Service
public class ToolPolicyService {

    private final CurrentMember currentMember;
    private final ConnectorDirectory connectors;
    private final ToolRepository repository;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final Clock clock;

    ToolPolicyService(CurrentMember currentMember, ConnectorDirectory connectors, ToolRepository repository,
            AuditService audit, TransactionTemplate tx, Clock clock) {
        this.currentMember = currentMember;
        this.connectors = connectors;
        this.repository = repository;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** The connector's tools as last listed, held ones first. */
    public List<ConnectorTool> tools(ConnectorId connectorId) {
        return tx.execute(s -> {
            Member owner = owner();
            connector(owner, connectorId);
            return repository.list(owner.orgId(), connectorId).stream()
                    .sorted(java.util.Comparator.comparing((ConnectorTool t) -> t.review() == ConnectorTool.Review
                            .APPROVED).thenComparing(ConnectorTool::name))
                    .toList();
        });
    }

    /** How many tools wait for review, per connector of the owner's organization. */
    public Map<ConnectorId, Integer> pendingReviews() {
        return tx.execute(s -> repository.pendingCounts(owner().orgId()));
    }

    public ConnectorTool setPolicy(ConnectorId connectorId, String name, ToolPolicy policy, int version) {
        if (policy == null) {
            throw new org.connectorconsole.base.ValidationException("Choose a policy.");
        }
        return tx.execute(s -> {
            Member owner = owner();
            Connector connector = connector(owner, connectorId);
            ConnectorTool before = repository.find(owner.orgId(), connectorId, name).orElseThrow(this::noTool);
            if (before.policy() == policy) {
                return before;
            }
            if (!repository.setPolicy(owner.orgId(), connectorId, name, policy, version, Times.utcNow(clock))) {
                throw conflict();
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("tool", name);
            details.put("before", before.policy().name());
            details.put("after", policy.name());
            audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.TOOL_POLICY_CHANGED)
                    .target("connector", connectorId.toString(), connector.name()).details(details));
            return repository.find(owner.orgId(), connectorId, name).orElseThrow(this::noTool);
        });
    }

    /** Pins the held definition: a new tool becomes usable under its policy, a changed one is usable again. */
    public ConnectorTool approve(ConnectorId connectorId, String name, int version) {
        return tx.execute(s -> {
            Member owner = owner();
            Connector connector = connector(owner, connectorId);
            ConnectorTool before = repository.find(owner.orgId(), connectorId, name).orElseThrow(this::noTool);
            if (before.pending() == null) {
                return before;
            }
            if (!repository.approve(owner.orgId(), connectorId, name, version, Times.utcNow(clock))) {
                throw conflict();
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("tool", name);
            details.put("review", before.review() == ConnectorTool.Review.NEW ? "new" : "changed");
            details.put("before", before.approved() == null ? "none" : before.approved().fingerprint());
            details.put("after", before.pending().fingerprint());
            details.put("policy", before.policy().name());
            audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.TOOL_CHANGE_APPROVED)
                    .target("connector", connectorId.toString(), connector.name()).details(details));
            return repository.find(owner.orgId(), connectorId, name).orElseThrow(this::noTool);
        });
    }

    /** Approves every tool held as new (not changed ones: each change deserves its own look). */
    public int approveAllNew(ConnectorId connectorId) {
        int count = 0;
        for (ConnectorTool tool : tools(connectorId)) {
            if (tool.review() == ConnectorTool.Review.NEW) {
                approve(connectorId, tool.name(), tool.version());
                count++;
            }
        }
        return count;
    }

    /** A unified diff of the pinned definition against the held one ("(none)" for a new tool). */
    public static String diff(ConnectorTool tool) {
        if (tool.pending() == null) {
            return "";
        }
        List<String> before = tool.approved() == null ? List.of() : tool.approved().reviewLines();
        List<String> after = tool.pending().reviewLines();
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("approved", "offered now", before,
                DiffUtils.diff(before, after), 3);
        return String.join("\n", lines);
    }

    public ToolSettings settings() {
        return tx.execute(s -> repository.settings(owner().orgId()));
    }

    public ToolSettings updateSettings(ToolSettings.NewTools newTools, boolean recordPayloads, int version) {
        if (newTools == null) {
            throw new org.connectorconsole.base.ValidationException("Choose what new tools start as.");
        }
        return tx.execute(s -> {
            Member owner = owner();
            ToolSettings before = repository.settings(owner.orgId());
            ToolSettings after = new ToolSettings(newTools, recordPayloads, version);
            if (!repository.saveSettings(owner.orgId(), after, version, Times.utcNow(clock))) {
                throw new ConflictException("Someone else changed the tool settings since you opened them. Nothing "
                        + "was saved: reload to see their change.");
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("newTools", before.newTools() + " -> " + newTools);
            details.put("recordPayloads", before.recordPayloads() + " -> " + recordPayloads);
            audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.TOOL_SETTINGS_UPDATED)
                    .target("organization", owner.orgId().toString(), owner.orgName()).details(details));
            return repository.settings(owner.orgId());
        });
    }

    private Member owner() {
        return currentMember.requireOwner(Plan::allowsCustomConnectors,
                "Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
    }

    private Connector connector(Member owner, ConnectorId connectorId) {
        return connectors.find(owner.orgId(), connectorId)
                .orElseThrow(() -> new NotFoundException("This connector does not exist (it may have been removed)."))
                .connector();
    }

    private NotFoundException noTool() {
        return new NotFoundException("The server has not offered this tool (any more).");
    }

    private static ConflictException conflict() {
        return new ConflictException("Someone else changed this tool since you opened it. Nothing was saved: reload "
                + "to see their change.");
    }
}
