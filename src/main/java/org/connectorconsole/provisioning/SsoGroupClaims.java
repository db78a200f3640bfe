package org.connectorconsole.provisioning;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupDirectory;
import org.connectorconsole.group.GroupSource;
import org.connectorconsole.provisioning.internal.SsoGroupsRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.connectorconsole.security.SsoSignedIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Groups from single sign-on claims: where an owner named the claim (e.g. {@code groups}), each single sign-on of a
 * member sets their groups with source SSO to the claim's values (a list of names, or one name), creating missing
 * groups. A name already used by a group owners made or SCIM keeps is skipped (that group is not the claim's). A
 * failure here never refuses the sign-in: it is logged, and the groups stay as they were.
 */
@Service
public class SsoGroupClaims {

    public static final int MAX_CLAIM = 100;
    /** At most this many groups are read from one claim. */
    public static final int MAX_GROUPS = 200;
    private static final Logger log = LoggerFactory.getLogger(SsoGroupClaims.class);

    private final CurrentMember currentMember;
    private final SsoGroupsRepository repository;
    private final GroupDirectory groups;
    private final AuditService audit;
    private final TransactionTemplate tx;

    SsoGroupClaims(CurrentMember currentMember, SsoGroupsRepository repository, GroupDirectory groups,
            AuditService audit, TransactionTemplate tx) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.groups = groups;
        this.audit = audit;
        this.tx = tx;
    }

    /** The claim the owner's organization reads groups from, or empty when off. */
    public Optional<String> claimName() {
        Member owner = requireOrganizationOwner();
        return repository.claim(owner.orgId());
    }

    /** Sets (or, blank, clears) the claim name: letters, digits and {@code _ - . : /} only. */
    public void setClaimName(String claim) {
        requireOrganizationOwner();
        String clean = claim == null || claim.isBlank() ? null : claim.strip();
        if (clean != null && (clean.length() > MAX_CLAIM || !clean.matches("[A-Za-z0-9_.:/-]+"))) {
            throw ValidationException.forField("claim", "A claim name has at most " + MAX_CLAIM + " letters, "
                    + "digits or _ - . : / (for example groups).");
        }
        tx.executeWithoutResult(s -> {
            Member owner = requireOrganizationOwner();
            String before = repository.claim(owner.orgId()).orElse(null);
            if (java.util.Objects.equals(before, clean)) {
                return;
            }
            repository.setClaim(owner.orgId(), clean);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("before", before == null ? "" : before);
            details.put("after", clean == null ? "" : clean);
            audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.ORGANIZATION_SSO_GROUPS_CLAIM_CHANGED)
                    .target("organization", owner.orgId().toString(), owner.orgName()).details(details));
        });
    }

    @EventListener
    void onSsoSignedIn(SsoSignedIn event) {
        for (SsoGroupsRepository.ClaimingOrganization org : repository.claimingOrganizations(event.userId())) {
            try {
                Set<String> wanted = names(event.claims().get(org.claim()));
                Actor actor = new Actor(null, "sso:" + event.provider());
                tx.executeWithoutResult(s -> apply(org, event, wanted, actor));
            } catch (RuntimeException e) {
                log.warn("Groups from the single sign-on claim '{}' could not be set for {} in {}", org.claim(),
                        event.userId(), org.orgId(), e);
            }
        }
    }

    private void apply(SsoGroupsRepository.ClaimingOrganization org, SsoSignedIn event, Set<String> wanted,
            Actor actor) {
        List<Group> all = groups.list(org.orgId());
        Map<String, Group> byName = all.stream().collect(Collectors.toMap(
                g -> g.name().toLowerCase(Locale.ROOT), g -> g, (a, b) -> a));
        Set<org.connectorconsole.group.GroupId> mine = groups.groupIdsOf(org.orgId(), event.userId());
        for (String name : wanted) {
            Group g = byName.get(name.toLowerCase(Locale.ROOT));
            if (g == null) {
                g = groups.create(org.orgId(), actor, name, GroupSource.SSO, name);
                byName.put(name.toLowerCase(Locale.ROOT), g);
            }
            if (g.source() == GroupSource.SSO && !mine.contains(g.id())) {
                groups.addMember(org.orgId(), actor, g.id(), event.userId());
            }
        }
        Set<String> wantedLower = wanted.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (Group g : all) {
            if (g.source() == GroupSource.SSO && mine.contains(g.id())
                    && !wantedLower.contains(g.name().toLowerCase(Locale.ROOT))) {
                groups.removeMember(org.orgId(), actor, g.id(), event.userId());
            }
        }
    }

    /** The group names of a claim: a list of strings, or one string; blanks and overlong names left out. */
    static Set<String> names(Object claim) {
        Set<String> names = new java.util.LinkedHashSet<>();
        if (claim instanceof Collection<?> list) {
            for (Object o : list) {
                if (o instanceof String s) {
                    names.add(s.strip());
                }
            }
        } else if (claim instanceof String s) {
            names.add(s.strip());
        }
        names.removeIf(n -> n.isEmpty() || n.length() > GroupDirectory.MAX_NAME);
        return names.stream().limit(MAX_GROUPS).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private Member requireOrganizationOwner() {
        return currentMember.requireOwner(Plan::isOrganization, "Only Team and Enterprise organizations have groups.");
    }
}
