package org.connectorconsole.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.TreeMap;
import java.util.UUID;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.base.UserId;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a hash chain event by event and reports the first broken link: an event whose content no longer gives
 * its hash (changed after it was written), a link to a previous hash that is not the previous event's, or a gap
 * in the sequence (an event removed). Works on the database's chain and on an exported JSON Lines file.
 */
public final class AuditVerifier {

    /** The outcome: how many events were checked, and the first problem if any. */
    public record Result(long checked, Long brokenAtSeq, String problem) {
        public boolean intact() {
            return problem == null;
        }

        public String describe() {
            return intact() ? "The chain is intact: " + checked + " events checked."
                    : "The chain is broken at event " + brokenAtSeq + ": " + problem + " (" + checked
                            + " events checked before it).";
        }
    }

    private long checked;
    private Long expectedSeq;
    private String expectedPrev;
    private Result failure;

    /** A chain that starts at the organisation's first event (set {@code fromStart} false for a filtered part). */
    public AuditVerifier(boolean fromStart) {
        if (fromStart) {
            expectedSeq = 1L;
            expectedPrev = AuditChain.GENESIS;
        }
    }

    /** Checks the next event; false once a problem was found (later events are not looked at). */
    public boolean accept(AuditEvent e) {
        if (failure != null) {
            return false;
        }
        if (expectedSeq != null && e.seq() != expectedSeq) {
            failure = new Result(checked, expectedSeq, e.seq() > expectedSeq
                    ? "events " + expectedSeq + (e.seq() - 1 > expectedSeq ? "–" + (e.seq() - 1) : "") + " are missing"
                    : "event " + e.seq() + " appears out of order");
            return false;
        }
        if (expectedPrev != null && !expectedPrev.equals(e.prevHash())) {
            failure = new Result(checked, e.seq(), "its link to the previous event does not match that event's hash");
            return false;
        }
        if (!AuditChain.hash(e).equals(e.hash())) {
            failure = new Result(checked, e.seq(), "its content does not give its hash: it was changed after it "
                    + "was written");
            return false;
        }
        checked++;
        expectedSeq = e.seq() + 1;
        expectedPrev = e.hash();
        return true;
    }

    public Result result() {
        return failure != null ? failure : new Result(checked, null, null);
    }

    /** Verifies an exported JSON Lines file (the whole chain, or a time-range part of it). */
    public static Result verifyJsonLines(BufferedReader in) throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        AuditVerifier verifier = null;
        String line;
        long lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            AuditEvent e;
            try {
                e = fromJson(json.readTree(line));
            } catch (JacksonException | IllegalArgumentException | DateTimeParseException | NullPointerException ex) {
                long done = verifier == null ? 0 : verifier.result().checked();
                return new Result(done, null, "line " + lineNo + " is not an exported audit event");
            }
            if (verifier == null) {
                verifier = new AuditVerifier(e.seq() == 1);
            }
            if (!verifier.accept(e)) {
                return verifier.result();
            }
        }
        return verifier == null ? new Result(0, null, null) : verifier.result();
    }

    static AuditEvent fromJson(JsonNode n) {
        TreeMap<String, String> details = new TreeMap<>();
        n.get("details").properties().forEach(p -> details.put(p.getKey(), p.getValue().asString()));
        return new AuditEvent(UUID.fromString(n.get("id").asString()),
                new OrganizationId(UUID.fromString(n.get("org_id").asString())), n.get("seq").asLong(),
                Instant.parse(n.get("occurred_at").asString()),
                n.get("actor_id").isNull() ? null : new UserId(UUID.fromString(n.get("actor_id").asString())),
                text(n, "actor_label"), text(n, "action"), text(n, "target_type"), text(n, "target_id"),
                text(n, "target_label"), details, text(n, "client_address"), text(n, "user_agent"),
                text(n, "prev_hash"), text(n, "hash"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
