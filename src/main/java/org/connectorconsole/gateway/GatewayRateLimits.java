package org.connectorconsole.gateway;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.connectorconsole.audit.AuditAction;
import org.connectorconsole.audit.AuditRecord;
import org.connectorconsole.audit.AuditService;
import org.connectorconsole.base.Times;
import org.connectorconsole.connector.ConnectorId;
import org.connectorconsole.gateway.internal.GatewayRepository;
import org.connectorconsole.security.Member;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The owners' rate limits on gateway calls: per member and per connector, calls per calendar minute (UTC). Counted
 * in PostgreSQL, so the limits hold across every console instance and under concurrent calls (each count is one
 * conditional update of the window's row).
 */
@Component
class GatewayRateLimits {

    private final GatewayRepository repository;
    private final AuditService audit;
    private final TransactionTemplate tx;
    private volatile Clock clock;
    /** Refusals already audited (subject and window): at most one event per limit and minute on each instance. */
    private final Set<String> audited = ConcurrentHashMap.newKeySet();

    GatewayRateLimits(GatewayRepository repository, AuditService audit, TransactionTemplate tx, Clock clock) {
        this.repository = repository;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
    }

    /** For tests: the clock the minute windows are taken from (a fixed one keeps a test inside one window). */
    void clock(Clock windows) {
        this.clock = windows;
    }

    /** The minute window a call made now is counted in. */
    OffsetDateTime window() {
        return Times.utcNow(clock).truncatedTo(ChronoUnit.MINUTES);
    }

    /** Counts a call; the reason it may not be made now, or null. */
    String take(GatewaySettings settings, Member member, ConnectorId connectorId, String connectorName,
            String clientName) {
        return take(settings, member, connectorId, connectorName, clientName, window());
    }

    /** Counts a call in this window (see {@link #window()}); the reason it may not be made now, or null. */
    String take(GatewaySettings settings, Member member, ConnectorId connectorId, String connectorName,
            String clientName, OffsetDateTime window) {
        String memberSubject = "member:" + member.userId().value();
        String connectorSubject = "connector:" + connectorId.value();
        Integer memberLimit = settings.memberCallsPerMinute();
        Integer connectorLimit = settings.connectorCallsPerMinute();
        if (memberLimit != null && !Boolean.TRUE.equals(tx.execute(s -> repository.take(member.orgId(),
                memberSubject, window, memberLimit)))) {
            refused(member, memberSubject, window, "member", memberLimit, clientName);
            return "Rate limit: an owner of " + member.orgName() + " allows each member " + memberLimit
                    + " tool calls per minute through the gateway. Try again after "
                    + window.plusMinutes(1).toLocalTime() + " UTC.";
        }
        if (connectorLimit != null && !Boolean.TRUE.equals(tx.execute(s -> repository.take(member.orgId(),
                connectorSubject, window, connectorLimit)))) {
            if (memberLimit != null) {
                tx.executeWithoutResult(s -> repository.giveBack(member.orgId(), memberSubject, window));
            }
            refused(member, connectorSubject, window, "connector", connectorLimit, clientName);
            return "Rate limit: an owner of " + member.orgName() + " allows " + connectorLimit + " tool calls per "
                    + "minute to " + connectorName + " through the gateway. Try again after "
                    + window.plusMinutes(1).toLocalTime() + " UTC.";
        }
        return null;
    }

    /**
     * Gives back what {@link #take} counted for a round that ended before anything was sent (a 2026-07-28 call
     * that only asked the member to confirm), in the window it was counted in: the round that runs the call is
     * counted, not the question.
     */
    void giveBack(GatewaySettings settings, Member member, ConnectorId connectorId, OffsetDateTime window) {
        tx.executeWithoutResult(s -> {
            if (settings.memberCallsPerMinute() != null) {
                repository.giveBack(member.orgId(), "member:" + member.userId().value(), window);
            }
            if (settings.connectorCallsPerMinute() != null) {
                repository.giveBack(member.orgId(), "connector:" + connectorId.value(), window);
            }
        });
    }

    private void refused(Member member, String subject, OffsetDateTime window, String limit, int perMinute,
            String clientName) {
        if (audited.add(subject + "@" + window)) {
            tx.executeWithoutResult(s -> audit.record(AuditRecord.of(member.orgId(), member.actor(),
                    AuditAction.GATEWAY_RATE_LIMITED).details(Map.of("limit", limit, "perMinute",
                    String.valueOf(perMinute), "client", clientName))));
        }
    }

    /** Old windows are of no use: forgotten every few minutes. */
    @Scheduled(fixedDelayString = "PT5M", initialDelayString = "PT5M")
    void sweep() {
        OffsetDateTime before = Times.utcNow(clock).truncatedTo(ChronoUnit.MINUTES).minusMinutes(2);
        tx.executeWithoutResult(s -> repository.sweep(before));
        audited.removeIf(k -> windowOf(k).isBefore(before));
    }

    private static OffsetDateTime windowOf(String key) {
        return OffsetDateTime.parse(key.substring(key.lastIndexOf('@') + 1));
    }
}
