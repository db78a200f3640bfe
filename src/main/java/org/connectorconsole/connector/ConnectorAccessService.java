package org.connectorconsole.connector;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.connector.internal.AccessRepository;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupDirectory;
import org.connectorconsole.group.GroupId;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Who may use a connector and how (issue 20): owners choose its audience (everyone, or chosen groups), its
 * ceiling, what everyone gets without a group's grant, whether read-only tools are allowed, and each group's
 * approval mode for the connector or a tool; they can ask why a chosen member gets what they get. Members see their
 * own effective modes. Every method finds the caller, checks role, plan and organization, and audits changes.
 */
@Service
public class ConnectorAccessService {

    /** A connector's access settings as owners see them. */
    public record AccessSettings(ConnectorId connectorId, boolean everyone, List<Group> audience, ToolPolicy ceiling,
            ToolPolicy everyoneMode, boolean readOnlyAllowed, List<GroupGrant> grants, int version) {
    }

    /** A group's grant: for the whole connector ({@code tool} "") or one tool. */
    public record GroupGrant(GroupId group, String groupName, String tool, ToolPolicy mode) {
    }

    /** Why a chosen member may do what with a connector's tools. */
    public record Explanation(boolean offered, List<MemberTools.Tool> tools) {
    }

    private final CurrentMember currentMember;
    private final ConnectorDirectory connectors;
    private final AccessRepository repository;
    private final GroupDirectory groups;
    private final ToolAccess access;
    private final AuditService audit;
    private final Clock clock;

    ConnectorAccessService(CurrentMember currentMember, ConnectorDirectory connectors, AccessRepository repository,
            GroupDirectory groups, ToolAccess access, AuditService audit, Clock clock) {
        this.currentMember = currentMember;
        this.connectors = connectors;
        this.repository = repository;
        this.groups = groups;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public AccessSettings settings(ConnectorId id) {
        Member owner = paidOwner();
        connector(owner, id);
        return read(owner, id);
    }

    /** Offers the connector to everyone, or only to the members of {@code chosen} groups. */
    @Transactional
    public AccessSettings setAudience(ConnectorId id, boolean everyone, List<GroupId> chosen, int version) {
        Member owner = organizationOwner();
        Connector connector = connector(owner, id);
        Set<GroupId> wanted = chosen == null ? Set.of() : new LinkedHashSet<>(chosen);
        if (!everyone && wanted.isEmpty()) {
            throw new ValidationException("Choose at least one group, or offer " + connector.name() + " to everyone.");
        }
        if (!everyone && !groups.existing(owner.orgId(), wanted).containsAll(wanted)) {
            throw new NotFoundException("One of these groups does not exist (any more). Reload the page.");
        }
        AccessSettings before = read(owner, id);
        if (!repository.setAudience(owner.orgId(), id, everyone,
                wanted.stream().map(GroupId::value).collect(Collectors.toSet()), version, Times.utcNow(clock))) {
            throw changed(connector);
        }
        AccessSettings after = read(owner, id);
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_AUDIENCE_CHANGED)
                .target("connector", id.toString(), connector.name())
                .details(Map.of("before", audienceText(before), "after", audienceText(after))));
        return after;
    }

    /** Sets the connector's ceiling, what everyone gets without a group's grant, and the read-only setting. */
    @Transactional
    public AccessSettings setRules(ConnectorId id, ToolPolicy ceiling, ToolPolicy everyoneMode,
            boolean readOnlyAllowed, int version) {
        Member owner = paidOwner();
        Connector connector = connector(owner, id);
        if (ceiling == null || everyoneMode == null) {
            throw new ValidationException("Choose a ceiling and what everyone may do.");
        }
        AccessSettings before = read(owner, id);
        if (!repository.setRules(owner.orgId(), id, ceiling, everyoneMode, readOnlyAllowed, version,
                Times.utcNow(clock))) {
            throw changed(connector);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("before.ceiling", before.ceiling().name());
        details.put("before.everyoneMode", before.everyoneMode().name());
        details.put("before.readOnlyAllowed", Boolean.toString(before.readOnlyAllowed()));
        details.put("after.ceiling", ceiling.name());
        details.put("after.everyoneMode", everyoneMode.name());
        details.put("after.readOnlyAllowed", Boolean.toString(readOnlyAllowed));
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.CONNECTOR_ACCESS_CHANGED)
                .target("connector", id.toString(), connector.name()).details(details));
        return read(owner, id);
    }

    /**
     * Sets a group's approval mode for the whole connector ({@code tool} null or blank) or one tool, or clears it
     * ({@code mode} null). The organization's ceiling still caps it.
     */
    @Transactional
    public AccessSettings setGrant(ConnectorId id, GroupId groupId, String tool, ToolPolicy mode) {
        Member owner = organizationOwner();
        Connector connector = connector(owner, id);
        if (groupId == null) {
            throw new ValidationException("Choose a group.");
        }
        Group group = groups.find(owner.orgId(), groupId)
                .orElseThrow(() -> new NotFoundException("This group does not exist (it may have been deleted)."));
        String toolName = tool == null ? "" : tool.strip();
        if (toolName.length() > ToolCatalog.MAX_NAME) {
            throw new ValidationException("That is not a tool name.");
        }
        AccessSettings before = read(owner, id);
        ToolPolicy old = before.grants().stream()
                .filter(g -> g.group().equals(groupId) && g.tool().equals(toolName))
                .map(GroupGrant::mode).findFirst().orElse(null);
        if (old == mode) {
            return before;
        }
        repository.setGrant(owner.orgId(), id, groupId.value(), toolName, mode, Times.utcNow(clock));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("group", group.name());
        details.put("groupId", groupId.toString());
        details.put("tool", toolName);
        details.put("before", old == null ? "none" : old.name());
        details.put("after", mode == null ? "none" : mode.name());
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.GROUP_GRANT_CHANGED)
                .target("connector", id.toString(), connector.name()).details(details));
        return read(owner, id);
    }

    /** What a chosen member of the organization may do with the connector's tools, and why. */
    @Transactional(readOnly = true)
    public Explanation explain(ConnectorId id, UserId userId) {
        Member owner = organizationOwner();
        connector(owner, id);
        if (userId == null || !currentMember.of(userId, owner.orgId()).isPresent()) {
            throw new NotFoundException("No such member in " + owner.orgName() + ".");
        }
        MemberTools tools = access.forConnector(owner.orgId(), userId, id);
        return new Explanation(tools.offered(id), tools.tools(id));
    }

    /** The signed-in member's standing with every connector of their organization (their page). */
    @Transactional(readOnly = true)
    public MemberTools myTools() {
        Member member = currentMember.require();
        if (!member.plan().allowsCustomConnectors()) {
            throw new AccessDeniedException("Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
        }
        return access.forMember(member.orgId(), member.userId());
    }

    private AccessSettings read(Member owner, ConnectorId id) {
        AccessRepository.Settings s = repository.settings(owner.orgId(), id).orElseThrow(ConnectorAccessService::gone);
        Map<UUID, Group> all = groups.list(owner.orgId()).stream()
                .collect(Collectors.toMap(g -> g.id().value(), g -> g, (a, b) -> a, LinkedHashMap::new));
        List<Group> audience = all.values().stream().filter(g -> s.groups().contains(g.id().value())).toList();
        List<GroupGrant> grants = repository.grants(owner.orgId(), id).stream()
                .map(g -> new GroupGrant(new GroupId(g.groupId()), g.groupName(), g.tool(), g.mode())).toList();
        return new AccessSettings(id, s.everyone(), audience, s.ceiling(), s.everyoneMode(), s.readOnlyAllowed(),
                grants, s.version());
    }

    private static String audienceText(AccessSettings s) {
        return s.everyone() ? "everyone" : s.audience().stream().map(Group::name).collect(Collectors.joining(", "));
    }

    private Connector connector(Member owner, ConnectorId id) {
        if (id == null) {
            throw gone();
        }
        return connectors.find(owner.orgId(), id).orElseThrow(ConnectorAccessService::gone).connector();
    }

    private Member paidOwner() {
        return currentMember.requireOwner(Plan::allowsCustomConnectors,
                "Custom connectors need a paid plan (Pro, Max, Team or Enterprise).");
    }

    private Member organizationOwner() {
        Member owner = paidOwner();
        if (!owner.plan().isOrganization()) {
            throw new AccessDeniedException("Groups are for Team and Enterprise organizations.");
        }
        return owner;
    }

    private static NotFoundException gone() {
        return new NotFoundException("This connector does not exist (it may have been removed).");
    }

    private static ConflictException changed(Connector connector) {
        return new ConflictException(connector.name() + " was changed meanwhile. Nothing was saved: reload the page "
                + "and try again.");
    }
}
