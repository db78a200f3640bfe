package org.connectorconsole.audit;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.connectorconsole.base.OrganizationId;

/**
 * An event to be appended to an organization's audit chain. {@code details} holds flat, non-secret facts
 * (for a change: {@code before.x} and {@code after.x}); never a token, secret or code.
 */
public record AuditRecord(
        OrganizationId orgId,
        Actor actor,
        String action,
        String targetType,
        String targetId,
        String targetLabel,
        Map<String, String> details) {

    public AuditRecord {
        Objects.requireNonNull(orgId, "orgId");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        details = details == null ? Map.of() : Map.copyOf(new TreeMap<>(details));
    }

    /** An event of a catalogued action; its {@link AuditAction#wireName()} is what is stored and hashed. */
    public static AuditRecord of(OrganizationId orgId, Actor actor, AuditAction action) {
        Objects.requireNonNull(action, "action");
        return new AuditRecord(orgId, actor, action.wireName(), null, null, null, Map.of());
    }

    public AuditRecord target(String type, String id, String label) {
        return new AuditRecord(orgId, actor, action, type, id, label, details);
    }

    public AuditRecord details(Map<String, String> newDetails) {
        return new AuditRecord(orgId, actor, action, targetType, targetId, targetLabel, newDetails);
    }
}
