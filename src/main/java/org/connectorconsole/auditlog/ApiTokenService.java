package org.connectorconsole.auditlog;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.connectorconsole.audit.Actor;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.auditlog.internal.ApiTokenRepository;
import org.connectorconsole.auditlog.internal.ApiTokenRepository.StoredToken;
import org.connectorconsole.base.DisplayNames;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Times;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Owner-issued API tokens for compliance tools: named, scoped to audit export, shown once, stored as a SHA-256
 * hash, revocable; every issue and revocation is an audit event.
 */
@Service
public class ApiTokenService {

    public static final String SCOPE_AUDIT_EXPORT = "audit:export";
    public static final String PREFIX = "ccat_";
    public static final int MAX_NAME = 100;

    /** A new token; {@code secret} is shown to the owner once and never again. */
    public record Created(UUID id, String name, String secret) {
        @Override
        public String toString() {
            return "Created[id=" + id + ", name=" + name + "]";
        }
    }

    /** What a presented token stands for. */
    public record ApiCaller(UUID tokenId, OrganizationId orgId, String name, String scope) {
        public Actor actor() {
            return new Actor(null, "API token \u201c" + name + "\u201d (" + tokenId + ")");
        }
    }

    private final CurrentMember currentMember;
    private final ApiTokenRepository repository;
    private final AuditService audit;
    private final Clock clock;

    ApiTokenService(CurrentMember currentMember, ApiTokenRepository repository, AuditService audit, Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Created create(String name) {
        Member owner = currentMember.requireOwner();
        String clean = DisplayNames.require(name, MAX_NAME, "Name the token after the tool that will use it.", "name");
        String secret = Tokens.secret(PREFIX);
        UUID id = UUID.randomUUID();
        repository.insert(id, owner.orgId(), clean, Tokens.sha256Hex(secret), SCOPE_AUDIT_EXPORT, owner.userId(),
                Times.utcNow(clock));
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.API_TOKEN_CREATED)
                .target("api_token", id.toString(), clean).details(Map.of("scope", SCOPE_AUDIT_EXPORT)));
        return new Created(id, clean, secret);
    }

    @Transactional(readOnly = true)
    public List<StoredToken> list() {
        return repository.list(currentMember.requireOwner().orgId());
    }

    @Transactional
    public void revoke(UUID id) {
        Member owner = currentMember.requireOwner();
        StoredToken token = repository.find(owner.orgId(), id)
                .orElseThrow(() -> new NotFoundException("This token does not exist."));
        if (repository.revoke(owner.orgId(), id, Times.utcNow(clock))) {
            audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.API_TOKEN_REVOKED)
                    .target("api_token", id.toString(), token.name()));
        }
    }

    /** The caller a presented secret stands for, if it is a live token (no session, no person involved). */
    @Transactional
    public Optional<ApiCaller> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 200) {
            return Optional.empty();
        }
        return repository.findLiveByHash(Tokens.sha256Hex(secret)).map(t -> {
            repository.touch(t.id(), Times.utcNow(clock));
            return new ApiCaller(t.id(), t.orgId(), t.name(), t.scope());
        });
    }
}
