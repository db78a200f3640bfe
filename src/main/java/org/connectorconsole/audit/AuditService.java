package org.connectorconsole.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import org.connectorconsole.base.LiveChanges;
import org.connectorconsole.base.OrganizationId;
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
        AuditEvent event = next(head.lastSeq(), head.lastHash(), record, origin);
        repository.append(event);
        // open pages on every instance hear of it when this transaction commits (NOTIFY is transactional)
        AuditLiveChanges.of(record).ifPresent(live::publish);
        return event;
    }

    /** One event to append with {@link #recordAll}: what happened, and where the request that caused it came from. */
    public record Pending(AuditRecord record, RequestOrigin origin) {
        /** {@code record} with the origin of the current request (none on a background thread). */
        public static Pending ofCurrent(AuditRecord record) {
            return new Pending(record, RequestOrigin.current().orElse(null));
        }
    }

    /**
     * Appends several events of one organization in the caller's transaction, in this order, with one hold of the
     * chain lock: the head locked once, the events and the new head written in one batch (group commit, decision
     * 0068). Each event is hashed exactly as {@link #record} would hash it; the chain is the same as if they had
     * been recorded one after another.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<AuditEvent> recordAll(List<Pending> pending) {
        if (pending.isEmpty()) {
            return List.of();
        }
        OrganizationId orgId = pending.getFirst().record().orgId();
        for (Pending p : pending) {
            if (!p.record().orgId().equals(orgId)) {
                throw new IllegalArgumentException("Events of one organization only");
            }
        }
        AuditRepository.ChainHead head = repository.lockHead(orgId);
        long seq = head.lastSeq();
        String prev = head.lastHash();
        List<AuditEvent> events = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            AuditEvent event = next(seq, prev, p.record(), p.origin() == null ? new RequestOrigin(null, null)
                    : p.origin());
            events.add(event);
            seq = event.seq();
            prev = event.hash();
        }
        repository.appendAll(events);
        for (Pending p : pending) {
            AuditLiveChanges.of(p.record()).ifPresent(live::publish);
        }
        return events;
    }

    /** The event after ({@code lastSeq}, {@code lastHash}) in the chain. */
    private AuditEvent next(long lastSeq, String lastHash, AuditRecord record, RequestOrigin origin) {
        UUID id = UUID.randomUUID();
        long seq = lastSeq + 1;
        // PostgreSQL keeps microseconds: hash exactly what will be read back.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        TreeMap<String, String> details = new TreeMap<>(record.details());
        String hash = AuditChain.hash(lastHash, id, record.orgId(), seq, now, record.actor().id(),
                record.actor().label(), record.action(), record.targetType(), record.targetId(),
                record.targetLabel(), details, origin.clientAddress(), origin.userAgent());
        return new AuditEvent(id, record.orgId(), seq, now, record.actor().id(), record.actor().label(),
                record.action(), record.targetType(), record.targetId(), record.targetLabel(), details,
                origin.clientAddress(), origin.userAgent(), lastHash, hash);
    }
}
