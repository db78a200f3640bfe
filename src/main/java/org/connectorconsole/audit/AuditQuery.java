package org.connectorconsole.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.ValidationException;

/**
 * A filter over an organisation's audit events. Every part is optional: a time range ({@code from} inclusive,
 * {@code to} exclusive), an actor (part of the label, e.g. an e-mail address), an exact action, a target (e.g. a
 * connector's id), a member (events by or about that person), and free text (action, actor, target, details).
 */
public record AuditQuery(Instant from, Instant to, String actor, String action, String targetId, UUID member,
        String text) {

    public static final int MAX_TEXT = 200;
    public static final AuditQuery ALL = new AuditQuery(null, null, null, null, null, null, null);

    public AuditQuery {
        actor = blankToNull(actor);
        action = blankToNull(action);
        targetId = blankToNull(targetId);
        text = blankToNull(text);
    }

    /** Refuses a query a person could not have meant: an empty range, or absurdly long text. */
    public AuditQuery validated() {
        Map<String, String> errors = new LinkedHashMap<>();
        if (from != null && to != null && !from.isBefore(to)) {
            errors.put("to", "The end of the range must be after its start.");
        }
        for (var e : Map.of("actor", actor == null ? "" : actor, "text", text == null ? "" : text,
                "action", action == null ? "" : action, "targetId", targetId == null ? "" : targetId).entrySet()) {
            if (e.getValue().length() > MAX_TEXT) {
                errors.put(e.getKey(), "At most " + MAX_TEXT + " characters.");
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("The filter was not applied: some fields need attention.", errors);
        }
        return this;
    }

    public AuditQuery withRange(Instant newFrom, Instant newTo) {
        return new AuditQuery(newFrom, newTo, actor, action, targetId, member, text);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
