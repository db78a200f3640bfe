package org.connectorconsole.audit;

import java.time.Instant;
import java.util.SortedMap;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;

/** A stored audit event, with its place in the organization's hash chain. */
public record AuditEvent(
        UUID id,
        OrganizationId orgId,
        long seq,
        Instant occurredAt,
        UserId actorId,
        String actorLabel,
        String action,
        String targetType,
        String targetId,
        String targetLabel,
        SortedMap<String, String> details,
        String clientAddress,
        String userAgent,
        String prevHash,
        String hash) {
}
