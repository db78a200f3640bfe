package org.connectorconsole.egress;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.Times;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.security.Member;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The private hosts an owner allows: host names whose addresses may be private (RFC 1918, unique-local,
 * carrier-grade NAT). Loopback, link-local and metadata addresses stay refused whatever is allowed here.
 */
@Service
public class PrivateHostService {

    private final CurrentMember currentMember;
    private final PrivateHostRepository repository;
    private final AuditService audit;
    private final Clock clock;

    PrivateHostService(CurrentMember currentMember, PrivateHostRepository repository, AuditService audit,
            Clock clock) {
        this.currentMember = currentMember;
        this.repository = repository;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public List<String> list() {
        return repository.list(owner().orgId());
    }

    @Transactional
    public void allow(String rawHost) {
        Member owner = owner();
        EgressPolicy.privateHostProblem(rawHost).ifPresent(problem -> {
            throw ValidationException.forField("host", problem);
        });
        String host = EgressPolicy.normalizeHost(rawHost.strip().toLowerCase(Locale.ROOT));
        if (!repository.insert(owner.orgId(), host, owner.userId(),
                Times.utcNow(clock))) {
            throw ValidationException.forField("host", host + " is already allowed.");
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.EGRESS_PRIVATE_HOST_ALLOWED)
                .target("host", host, host));
    }

    @Transactional
    public void remove(String host) {
        Member owner = owner();
        if (!repository.delete(owner.orgId(), host)) {
            throw new NotFoundException(host + " is not on the list.");
        }
        audit.record(AuditRecord.of(owner.orgId(), owner.actor(), AuditAction.EGRESS_PRIVATE_HOST_REMOVED)
                .target("host", host, host));
    }

    private Member owner() {
        return currentMember.requireOwner(Plan::allowsCustomConnectors, "Custom connectors need a paid plan.");
    }
}
