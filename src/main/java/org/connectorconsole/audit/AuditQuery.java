package org.connectorconsole.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.connectorconsole.base.ValidationException;

/**
 * A filter over an organization's audit events. Every part is optional: a time range ({@code from} inclusive,
 * {@code to} exclusive), an actor (part of the label, e.g. an e-mail address), an exact action, a target (e.g. a
 * connector's id), a member (events by or about that person), and free text (action, actor, target, details).
 */
public record AuditQuery(Instant from, Instant to, String actor, String action, String targetId, UUID member,
        String text) {

    public static final int MAX_TEXT = 200;
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");
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
        for (var bound : Map.of("from", from == null ? EARLIEST : from, "to", to == null ? EARLIEST : to)
                .entrySet()) {
            if (bound.getValue().isBefore(EARLIEST) || bound.getValue().isAfter(LATEST)) {
                errors.put(bound.getKey(), "Choose a time between the years 1970 and 9999.");
            }
        }
        for (var e : Map.of("actor", actor == null ? "" : actor, "text", text == null ? "" : text,
                "action", action == null ? "" : action, "targetId", targetId == null ? "" : targetId).entrySet()) {
            if (e.getValue().length() > MAX_TEXT) {
                errors.put(e.getKey(), "At most " + MAX_TEXT + " characters.");
            } else if (e.getValue().chars().anyMatch(Character::isISOControl)) {
                errors.put(e.getKey(), "Control characters cannot be searched for.");
            }
        }
        if (!errors.isEmpty()) {
            throw new ValidationException("The filter was not applied: some fields need attention.", errors);
        }
        return this;
    }

    /** Whether the query selects less than the whole chain (then an export of it has gaps by design). */
    public boolean filtered() {
        return from != null || to != null || actor != null || action != null || targetId != null || member != null
                || text != null;
    }

    public AuditQuery withRange(Instant newFrom, Instant newTo) {
        return new AuditQuery(newFrom, newTo, actor, action, targetId, member, text);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
