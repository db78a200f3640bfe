package org.connectorconsole.group;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.UserId;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.group.internal.GroupRepository;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * An organization's groups for callers that have already established who acts and in which organization: the
 * owners' {@link GroupService} after its checks, other features deciding what a member may use, and provisioning
 * by an identity provider (SCIM, single sign-on claims) with its own credential. Every lookup and change is scoped
 * by the organization passed in; every change is audited with the actor passed in, in the caller's transaction.
 */
@Component
public class GroupDirectory {

    public static final int MAX_NAME = 100;
    /** At most this many members are listed at once. */
    public static final int MAX_MEMBERS_LISTED = 5000;

    private final GroupRepository repository;
    private final AuditService audit;
    private final Clock clock;

    GroupDirectory(GroupRepository repository, AuditService audit, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
    }

    // ---- reading

    @Transactional(readOnly = true)
    public List<Group> list(OrganizationId orgId) {
        return repository.list(orgId);
    }

    @Transactional(readOnly = true)
    public Optional<Group> find(OrganizationId orgId, GroupId id) {
        return repository.find(orgId, id);
    }

    @Transactional(readOnly = true)
    public Optional<Group> findByExternalId(OrganizationId orgId, GroupSource source, String externalId) {
        return repository.findByExternalId(orgId, source, externalId);
    }

    @Transactional(readOnly = true)
    public List<GroupMember> members(OrganizationId orgId, GroupId id) {
        return repository.members(orgId, id, MAX_MEMBERS_LISTED);
    }

    @Transactional(readOnly = true)
    public List<Group> groupsOf(OrganizationId orgId, UserId userId) {
        return repository.groupsOf(orgId, userId);
    }

    @Transactional(readOnly = true)
    public Set<GroupId> groupIdsOf(OrganizationId orgId, UserId userId) {
        return repository.groupIdsOf(orgId, userId);
    }

    /** Which of these ids are groups of the organization (the others do not exist there). */
    @Transactional(readOnly = true)
    public Set<GroupId> existing(OrganizationId orgId, Collection<GroupId> ids) {
        return repository.existing(orgId, ids);
    }

    // ---- changing (audited as the actor given)

    /** Creates a group; a name already used in the organization (ignoring case) is refused. */
    @Transactional
    public Group create(OrganizationId orgId, Actor actor, String name, GroupSource source, String externalId) {
        String clean = validName(name);
        if (repository.nameTaken(orgId, clean, null)) {
            throw taken(clean);
        }
        GroupId id = GroupId.random();
        try {
            repository.insert(id, orgId, clean, source, externalId, Times.utcNow(clock));
        } catch (DuplicateKeyException e) {
            throw taken(clean);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("source", source.name());
        if (externalId != null) {
            details.put("externalId", externalId);
        }
        audit.record(AuditRecord.of(orgId, actor, AuditAction.GROUP_CREATED)
                .target("group", id.toString(), clean).details(details));
        return repository.find(orgId, id).orElseThrow();
    }

    /**
     * Renames a group. {@code expectedVersion} is the version the caller saw (a group renamed meanwhile is not
     * overwritten), or -1 for whatever is stored (a provisioning source that owns the group).
     */
    @Transactional
    public Group rename(OrganizationId orgId, Actor actor, GroupId id, String name, int expectedVersion) {
        String clean = validName(name);
        Group before = repository.lock(orgId, id).orElseThrow(GroupDirectory::notFound);
        if (before.name().equals(clean)) {
            return before;
        }
        if (expectedVersion >= 0 && before.version() != expectedVersion) {
            throw changed(before);
        }
        if (repository.nameTaken(orgId, clean, id)) {
            throw taken(clean);
        }
        try {
            if (!repository.rename(orgId, id, clean, before.version(), Times.utcNow(clock))) {
                throw changed(before);
            }
        } catch (DuplicateKeyException e) {
            throw taken(clean);
        }
        audit.record(AuditRecord.of(orgId, actor, AuditAction.GROUP_RENAMED)
                .target("group", id.toString(), clean)
                .details(Map.of("before.name", before.name(), "after.name", clean)));
        return repository.find(orgId, id).orElseThrow();
    }

    /** Deletes a group: its members lose what it gave them (who may use a connector, its grants) at once. */
    @Transactional
    public void delete(OrganizationId orgId, Actor actor, GroupId id) {
        Group before = repository.lock(orgId, id).orElseThrow(GroupDirectory::notFound);
        repository.delete(orgId, id);
        audit.record(AuditRecord.of(orgId, actor, AuditAction.GROUP_DELETED)
                .target("group", id.toString(), before.name())
                .details(Map.of("source", before.source().name(),
                        "members", Integer.toString(before.memberCount()))));
    }

    /** Adds a member of the organization to the group; false when they were in it already (nothing recorded). */
    @Transactional
    public boolean addMember(OrganizationId orgId, Actor actor, GroupId id, UserId userId) {
        Group group = repository.lock(orgId, id).orElseThrow(GroupDirectory::notFound);
        String email = repository.memberEmail(orgId, userId).orElseThrow(
                () -> new NotFoundException("No such member in this organization."));
        if (!repository.addMember(orgId, id, userId, Times.utcNow(clock))) {
            return false;
        }
        audit.record(AuditRecord.of(orgId, actor, AuditAction.GROUP_MEMBER_ADDED)
                .target("group", id.toString(), group.name())
                .details(Map.of("member", email, "memberId", userId.toString())));
        return true;
    }

    /** Removes a member from the group; false when they were not in it (nothing recorded). */
    @Transactional
    public boolean removeMember(OrganizationId orgId, Actor actor, GroupId id, UserId userId) {
        Group group = repository.lock(orgId, id).orElseThrow(GroupDirectory::notFound);
        String email = repository.memberEmail(orgId, userId).orElse(userId.toString());
        if (!repository.removeMember(orgId, id, userId)) {
            return false;
        }
        audit.record(AuditRecord.of(orgId, actor, AuditAction.GROUP_MEMBER_REMOVED)
                .target("group", id.toString(), group.name())
                .details(Map.of("member", email, "memberId", userId.toString())));
        return true;
    }

    private static String validName(String name) {
        return DisplayNames.require(name, MAX_NAME, "Give the group a name.", "name");
    }

    private static ValidationException taken(String name) {
        return ValidationException.forField("name", "A group named \"" + name + "\" already exists. Choose "
                + "another name.");
    }

    private static ConflictException changed(Group before) {
        return new ConflictException("The group \"" + before.name() + "\" was changed meanwhile. Nothing was "
                + "saved: reload the page and try again.");
    }

    static NotFoundException notFound() {
        return new NotFoundException("This group does not exist (it may have been deleted).");
    }
}
