package org.connectorconsole.registry;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.ConflictException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.PublicAddress;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.registry.internal.RegistryRepository;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Owners: whether the organization's approved connectors are published as a private MCP registry (Registry API
 * v0.1) for editors and assistants that accept a registry or allow-list address, and who may read it (off by
 * default; public; or with a bearer token shown once and stored as a hash).
 */
@Service
public class RegistrySettingsService {

    public static final String TOKEN_PREFIX = "ccreg_";

    private final CurrentMember currentMember;
    private final RegistryRepository repository;
    private final AuditService audit;
    private final PublicAddress publicAddress;
    private final Clock clock;

    RegistrySettingsService(CurrentMember currentMember, RegistryRepository repository, AuditService audit,
            PublicAddress publicAddress, Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
        this.publicAddress = publicAddress;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public RegistrySettings current() {
        Member owner = requireOwner();
        RegistryRepository.Settings s = repository.settings(owner.orgId());
        return new RegistrySettings(RegistryAccess.valueOf(s.access()), s.tokenHash() != null,
                address(owner), s.version());
    }

    /**
     * Sets who may read the registry. Choosing {@link RegistryAccess#TOKEN} without a token yet, or with
     * {@code newToken}, issues a token: returned here once. Other choices remove the token.
     */
    @Transactional
    public Optional<String> save(RegistryAccess access, boolean newToken, int expectedVersion) {
        if (access == null) {
            throw ValidationException.forField("access", "Choose who may read the registry.");
        }
        Member owner = requireOwner();
        RegistryRepository.Settings before = repository.settings(owner.orgId());
        if (before.version() != expectedVersion) {
            throw changed();
        }
        String token = null;
        String hash = null;
        if (access == RegistryAccess.TOKEN) {
            if (newToken || before.tokenHash() == null) {
                token = Tokens.secret(TOKEN_PREFIX);
                hash = Tokens.sha256Hex(token);
            } else {
                hash = before.tokenHash();
            }
        }
        if (!repository.save(owner.orgId(), access.name(), hash, before.version(), Times.utcNow(clock))) {
            throw changed();
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("before.access", before.access());
        details.put("after.access", access.name());
        details.put("token", token != null ? (before.tokenHash() == null ? "set" : "replaced")
                : hash == null && before.tokenHash() != null ? "removed" : "unchanged");
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.REGISTRY_SETTINGS_CHANGED)
                .target("organization", owner.orgId().toString(), owner.orgName())
                .details(details));
        return Optional.ofNullable(token);
    }

    private String address(Member owner) {
        return publicAddress.base() + "/registry/o/" + owner.orgId() + "/v0.1/servers";
    }

    private Member requireOwner() {
        return currentMember.requireOwner(Plan::isOrganization,
                "Only Team and Enterprise organizations publish a private registry.");
    }

    private static ConflictException changed() {
        return new ConflictException("The registry settings were changed meanwhile. Nothing was saved: reload the "
                + "page and try again.");
    }
}
