package org.connectorconsole.provisioning;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.provisioning.internal.ScimCredentialRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Organization › Provisioning: the bearer credentials an owner gives the identity provider for the organization's
 * SCIM endpoint. A credential is shown once, stored as a SHA-256 hash, and revocable; every change is audited.
 */
@Service
public class ScimCredentials {

    public static final String PREFIX = "ccscim_";
    public static final int MAX_NAME = 100;

    /** A credential as its owner sees it (never the secret). */
    public record Info(UUID id, String name, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {
    }

    /** A new credential with its secret, shown once. */
    public record Created(UUID id, String name, String secret, String endpoint) {
    }

    private final CurrentMember currentMember;
    private final ScimCredentialRepository repository;
    private final AuditService audit;
    private final PublicAddress publicAddress;
    private final Clock clock;

    ScimCredentials(CurrentMember currentMember, ScimCredentialRepository repository, AuditService audit,
            PublicAddress publicAddress, Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
        this.publicAddress = publicAddress;
        this.clock = clock;
    }

    /** The organization's SCIM base address (the "Tenant URL" / "SCIM connector base URL"). */
    @Transactional(readOnly = true)
    public String endpoint() {
        return endpoint(requireOrganizationOwner());
    }

    @Transactional(readOnly = true)
    public List<Info> list() {
        Member owner = requireOrganizationOwner();
        return repository.list(owner.orgId()).stream()
                .map(r -> new Info(r.id(), r.name(), r.createdAt().toInstant(), instant(r.lastUsedAt()),
                        instant(r.revokedAt())))
                .toList();
    }

    @Transactional
    public Created create(String name) {
        Member owner = requireOrganizationOwner();
        String clean = DisplayNames.require(name, MAX_NAME,
                "Name the credential after the identity provider that will use it.", "name");
        String secret = Tokens.secret(PREFIX);
        UUID id = UUID.randomUUID();
        repository.insert(id, owner.orgId(), clean, Tokens.sha256Hex(secret), owner.userId(), Times.utcNow(clock));
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.SCIM_CREDENTIAL_CREATED)
                .target("scim_credential", id.toString(), clean));
        return new Created(id, clean, secret, endpoint(owner));
    }

    @Transactional
    public void revoke(UUID id) {
        Member owner = requireOrganizationOwner();
        String name = repository.revoke(owner.orgId(), id, Times.utcNow(clock))
                .orElseThrow(() -> new NotFoundException("This credential does not exist or was revoked already."));
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.SCIM_CREDENTIAL_REVOKED)
                .target("scim_credential", id.toString(), name));
    }

    /** The SCIM endpoint's bearer check: the live credential this secret is, if any. */
    @Transactional
    public Optional<ScimCaller> authenticate(String bearerToken) {
        if (bearerToken == null || !bearerToken.startsWith(PREFIX) || bearerToken.length() > 200) {
            return Optional.empty();
        }
        OffsetDateTime now = Times.utcNow(clock);
        return repository.live(Tokens.sha256Hex(bearerToken)).map(r -> {
            repository.touch(r.id(), now);
            return new ScimCaller(r.orgId(), r.id(), r.name());
        });
    }

    private String endpoint(Member owner) {
        return publicAddress.base() + "/scim/v2/o/" + owner.orgId();
    }

    private Member requireOrganizationOwner() {
        return currentMember.requireOwner(Plan::isOrganization,
                "Only Team and Enterprise organizations provision members.");
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
