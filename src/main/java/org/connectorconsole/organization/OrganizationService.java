package org.connectorconsole.organization;

import java.util.List;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.UserId;
import org.connectorconsole.organization.internal.OrganizationRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The signed-in person's organisation and, for its owners, its people. */
@Service
public class OrganizationService {

    private final CurrentMember currentMember;
    private final OrganizationRepository repository;

    OrganizationService(CurrentMember currentMember, OrganizationRepository repository) {
        this.currentMember = currentMember;
        this.repository = repository;
    }

    /** The organisation the signed-in person acts in (any member). */
    @Transactional(readOnly = true)
    public Organization current() {
        Member member = currentMember.require();
        return repository.organization(member.orgId())
                .orElseThrow(() -> new NotFoundException("Your organisation no longer exists."));
    }

    /** Everyone in the owner's organisation, owners first. */
    @Transactional(readOnly = true)
    public List<MemberSummary> members() {
        Member owner = currentMember.requireOwner();
        return repository.members(owner.orgId());
    }

    /** One person of the owner's organisation; people of other organisations are not found. */
    @Transactional(readOnly = true)
    public MemberSummary member(UserId userId) {
        Member owner = currentMember.requireOwner();
        return repository.member(owner.orgId(), userId)
                .orElseThrow(() -> new NotFoundException("No such member in " + owner.orgName() + "."));
    }
}
