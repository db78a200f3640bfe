package org.connectorconsole.audit;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.Tokens;
import org.connectorconsole.base.UserId;

/**
 * The hash chain: each event's hash covers every field of the event and the previous event's hash. Fields are
 * length-prefixed so no two different events serialise alike.
 */
public final class AuditChain {

    /** The "previous hash" of an organization's first event. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    public static String hash(String prevHash, UUID id, OrganizationId orgId, long seq, Instant occurredAt,
            UserId actorId, String actorLabel, String action, String targetType, String targetId,
            String targetLabel, SortedMap<String, String> details, String clientAddress, String userAgent) {
        StringBuilder sb = new StringBuilder(256);
        field(sb, prevHash);
        field(sb, id.toString());
        field(sb, orgId.toString());
        field(sb, Long.toString(seq));
        field(sb, occurredAt.toString());
        field(sb, actorId == null ? null : actorId.toString());
        field(sb, actorLabel);
        field(sb, action);
        field(sb, targetType);
        field(sb, targetId);
        field(sb, targetLabel);
        sb.append('{');
        for (Map.Entry<String, String> e : details.entrySet()) {
            field(sb, e.getKey());
            field(sb, e.getValue());
        }
        sb.append('}');
        field(sb, clientAddress);
        field(sb, userAgent);
        return Tokens.sha256Hex(sb.toString());
    }

    public static String hash(AuditEvent e) {
        return hash(e.prevHash(), e.id(), e.orgId(), e.seq(), e.occurredAt(), e.actorId(), e.actorLabel(),
                e.action(), e.targetType(), e.targetId(), e.targetLabel(), e.details(), e.clientAddress(),
                e.userAgent());
    }

    private static void field(StringBuilder sb, String value) {
        if (value == null) {
            sb.append("-;");
        } else {
            sb.append(value.length()).append(':').append(value).append(';');
        }
    }
}
