package org.connectorconsole.gatewayauth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ListPage;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository.GrantKey;
import org.connectorconsole.gatewayauth.internal.GatewayAuthRepository.GrantRow;
import org.connectorconsole.organization.MemberAccessEnded;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * "Authorized apps": the clients that hold access to a member's gateway endpoints. A member sees and revokes their
 * own; an owner sees and revokes those of every member of their organization. Revoking deletes the grant's
 * authorization (its access and refresh tokens stop working at once, on every instance: the gateway looks tokens up
 * in PostgreSQL) and forgets the consent for that endpoint, so the app must ask again. All of a member's grants in an
 * organization end with the membership.
 */
@Service
public class AuthorizedAppsService {

    private final CurrentMember currentMember;
    private final GatewayAuthRepository repository;
    private final GatewayTargets targets;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private final PublicAddress publicAddress;

    AuthorizedAppsService(CurrentMember currentMember, GatewayAuthRepository repository, GatewayTargets targets,
            AuditService audit, TransactionTemplate tx, PublicAddress publicAddress,
            ConsoleAuthorizationService authorizations) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.targets = targets;
        this.audit = audit;
        this.tx = tx;
        this.publicAddress = publicAddress;
        authorizations.onRefreshTokenReuse(this::refreshTokenReused);
    }

    /** A refresh token replaced by rotation came back: the grant ends, as if revoked (OAuth 2.1 section 4.3.1). */
    void refreshTokenReused(String authorizationId) {
        tx.executeWithoutResult(s -> repository.grant(authorizationId).ifPresentOrElse(
                grant -> revoke(grant, Actor.SYSTEM, "refresh_token_reused"),
                () -> repository.deleteAuthorization(authorizationId)));
    }

    /** The signed-in member's authorized apps in their organization, newest grant first. */
    public List<AuthorizedApp> mine() {
        return tx.execute(s -> {
            Member member = currentMember.require();
            return repository.grants(member.orgId(), member.userId()).stream().map(this::toApp).toList();
        });
    }

    /** Every member's authorized apps in the owner's organization (by member, newest first; at most 1,000). */
    public List<AuthorizedApp> organization() {
        return tx.execute(s -> {
            Member owner = currentMember.requireOwner();
            return repository.grants(owner.orgId(), 1000).stream().map(this::toApp).toList();
        });
    }

    /**
     * One page of every member's authorized apps in the owner's organization, by member address and newest grant
     * first, after {@code after} (null: from the top); {@code search} matches a member's address or an app's name.
     * A search longer than {@value ListPage#MAX_SEARCH} characters or a limit outside 1–{@value ListPage#MAX_LIMIT}
     * is refused with a message.
     */
    public ListPage<AuthorizedApp> organizationPage(String search, AuthorizedApp after, int limit) {
        return tx.execute(s -> {
            Member owner = currentMember.requireOwner();
            String text = ListPage.searchText(search);
            ListPage.checkLimit(limit);
            GrantKey key = after == null ? null : new GrantKey(after.memberEmail(), after.grantedAt(), after.id());
            return ListPage.of(repository.grantPage(owner.orgId(), text, key, limit).stream().map(this::toApp)
                    .toList(), limit);
        });
    }

    /** Ends one of the signed-in member's own grants. */
    public void revokeMine(String grantId) {
        tx.executeWithoutResult(s -> {
            Member member = currentMember.require();
            GrantRow grant = repository.grant(grantId)
                    .filter(g -> g.orgId().equals(member.orgId()) && g.userId().equals(member.userId()))
                    .orElseThrow(() -> new NotFoundException("This app no longer holds access."));
            revoke(grant, member.actor(), "member");
        });
    }

    /** An owner ends a grant of any member of their organization. */
    public void revokeAsOwner(String grantId) {
        tx.executeWithoutResult(s -> {
            Member owner = currentMember.requireOwner();
            GrantRow grant = repository.grant(grantId)
                    .filter(g -> g.orgId().equals(owner.orgId()))
                    .orElseThrow(() -> new NotFoundException("This app no longer holds access."));
            revoke(grant, owner.actor(), "owner");
        });
    }

    /**
     * Inside the deciding transaction: the removed (or revoked) member's grants and consents in that organization
     * end.
     */
    @EventListener
    void memberAccessEnded(MemberAccessEnded event) {
        Set<String> resources = new LinkedHashSet<>();
        resources.add(GatewayEndpoints.resource(publicAddress.base(),
                GatewayEndpoints.memberPath(event.orgId(), event.userId())));
        for (String id : repository.grantIds(event.orgId(), event.userId())) {
            repository.grant(id).ifPresent(grant -> {
                resources.add(grant.resource());
                revoke(grant, event.actor(), event.membershipEnded() ? "membership_ended" : event.reason());
            });
        }
        repository.consentsOf(event.email()).forEach((clientId, authorities) ->
                repository.setConsentAuthorities(clientId, event.email(), without(authorities, resources)));
    }

    private void revoke(GrantRow grant, Actor actor, String by) {
        repository.deleteAuthorization(grant.authorizationId());
        repository.consentAuthorities(grant.registeredClientId(), grant.memberEmail()).ifPresent(authorities ->
                repository.setConsentAuthorities(grant.registeredClientId(), grant.memberEmail(),
                        without(authorities, Set.of(grant.resource()))));
        audit.record(AuditRecord.of(grant.orgId(), actor, AuditAction.GATEWAY_GRANT_REVOKED)
                .target("gateway_client", grant.clientId(), grant.clientName())
                .details(Map.of("member", grant.memberEmail(), "resource", grant.resource(), "by", by)));
    }

    private static String without(String authorities, Set<String> resources) {
        List<String> kept = new ArrayList<>(Arrays.asList(authorities.split(",")));
        kept.removeIf(a -> a.isBlank() || resources.contains(a.startsWith(ConsentDecisions.AUTHORITY_PREFIX)
                ? a.substring(ConsentDecisions.AUTHORITY_PREFIX.length()) : a));
        return kept.stream().collect(Collectors.joining(","));
    }

    private AuthorizedApp toApp(GrantRow g) {
        String what = targets.resolve(g.resource()).map(GatewayTargets.Target::scopeText).orElse(g.resource());
        return new AuthorizedApp(g.authorizationId(), g.memberEmail(), g.clientName(), g.clientId(), g.resource(),
                what, g.grantedAt(), g.lastUsedAt());
    }
}
