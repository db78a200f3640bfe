package org.connectorconsole.group;

import java.util.List;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.UserId;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Owners' groups of their organization's members (Team and Enterprise): list, create, rename, delete, add and
 * remove members. Every method finds the caller itself, checks that they are an owner of an organization with
 * members, and acts only within it. Groups provisioned by the identity provider (SCIM, single sign-on) are shown
 * but not changed by hand. Changes are audited ({@link GroupDirectory}).
 */
@Service
public class GroupService {

    private final CurrentMember currentMember;
    private final GroupDirectory directory;

    GroupService(CurrentMember currentMember, GroupDirectory directory) {
        this.currentMember = currentMember;
        this.directory = directory;
    }

    /** The organization's groups by name, with their member counts. */
    @Transactional(readOnly = true)
    public List<Group> list() {
        return directory.list(owner().orgId());
    }

    @Transactional(readOnly = true)
    public Group get(GroupId id) {
        Member owner = owner();
        return directory.find(owner.orgId(), id).orElseThrow(GroupDirectory::notFound);
    }

    @Transactional
    public Group create(String name) {
        Member owner = owner();
        return directory.create(owner.orgId(), owner.actor(), name, GroupSource.CONSOLE, null);
    }

    @Transactional
    public Group rename(GroupId id, String name, int expectedVersion) {
        Member owner = owner();
        editable(owner, id);
        return directory.rename(owner.orgId(), owner.actor(), id, name, expectedVersion);
    }

    @Transactional
    public void delete(GroupId id) {
        Member owner = owner();
        editable(owner, id);
        directory.delete(owner.orgId(), owner.actor(), id);
    }

    /** Adds a member of the organization; false when they were in the group already. */
    @Transactional
    public boolean addMember(GroupId id, UserId userId) {
        Member owner = owner();
        editable(owner, id);
        return directory.addMember(owner.orgId(), owner.actor(), id, userId);
    }

    /** Removes a member; false when they were not in the group. */
    @Transactional
    public boolean removeMember(GroupId id, UserId userId) {
        Member owner = owner();
        editable(owner, id);
        return directory.removeMember(owner.orgId(), owner.actor(), id, userId);
    }

    /** The group's members by name. */
    @Transactional(readOnly = true)
    public List<GroupMember> members(GroupId id) {
        Member owner = owner();
        directory.find(owner.orgId(), id).orElseThrow(GroupDirectory::notFound);
        return directory.members(owner.orgId(), id);
    }

    /** The groups a member of the organization belongs to. */
    @Transactional(readOnly = true)
    public List<Group> groupsOf(UserId userId) {
        return directory.groupsOf(owner().orgId(), userId);
    }

    /** The signed-in person's own groups (any member may see which groups they are in). */
    @Transactional(readOnly = true)
    public List<Group> myGroups() {
        Member member = currentMember.require();
        return directory.groupsOf(member.orgId(), member.userId());
    }

    private Member owner() {
        return currentMember.requireOwner(Plan::isOrganization, "Groups are for Team and Enterprise organizations.");
    }

    private void editable(Member owner, GroupId id) {
        Group group = directory.find(owner.orgId(), id).orElseThrow(GroupDirectory::notFound);
        if (!group.source().editableByHand()) {
            throw new org.connectorconsole.base.ValidationException("\"" + group.name() + "\" is kept by your "
                    + "identity provider (" + group.source().label() + "): change it there.");
        }
    }
}
