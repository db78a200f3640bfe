package org.connectorconsole.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.TreeMap;
import java.util.UUID;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.RequestOrigin;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends events to an organization's audit chain, inside the caller's transaction: the event is stored if and
 * only if the change it describes is.
 */
@Service
public class AuditService {

    private final AuditRepository repository;
    private final Clock clock;
    private final LiveChanges live;

    AuditService(AuditRepository repository, Clock clock, LiveChanges live) {
        this.repository = repository;
        this.clock = clock;
        this.live = live;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public AuditEvent record(AuditRecord record) {
        RequestOrigin origin = RequestOrigin.current().orElse(new RequestOrigin(null, null));
        AuditRepository.ChainHead head = repository.lockHead(record.orgId());
        UUID id = UUID.randomUUID();
        long seq = head.lastSeq() + 1;
        // PostgreSQL keeps microseconds: hash exactly what will be read back.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        TreeMap<String, String> details = new TreeMap<>(record.details());
        String hash = AuditChain.hash(head.lastHash(), id, record.orgId(), seq, now, record.actor().id(),
                record.actor().label(), record.action(), record.targetType(), record.targetId(),
                record.targetLabel(), details, origin.clientAddress(), origin.userAgent());
        AuditEvent event = new AuditEvent(id, record.orgId(), seq, now, record.actor().id(), record.actor().label(),
                record.action(), record.targetType(), record.targetId(), record.targetLabel(), details,
                origin.clientAddress(), origin.userAgent(), head.lastHash(), hash);
        repository.append(event);
        // open pages on every instance hear of it when this transaction commits (NOTIFY is transactional)
        AuditLiveChanges.of(record).ifPresent(live::publish);
        return event;
    }
}
