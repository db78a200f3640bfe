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
 * in the sequence (events removed). Works on the database's chain and on an exported JSON Lines file; for a
 * filtered export, gaps are expected and links are checked wherever events are consecutive.
 */
public final class AuditVerifier {

    /** The outcome: how many events were checked, and the first problem if any. */
    public record Result(long checked, Long brokenAtSeq, String problem) {
        public boolean intact() {
            return problem == null;
        }

        public String describe() {
            if (intact()) {
                return "The chain is intact: " + checked + " events checked.";
            }
            return brokenAtSeq == null ? "The check failed: " + problem + " (" + checked + " events checked)."
                    : "The chain is broken at event " + brokenAtSeq + ": " + problem + " (" + checked
                            + " events checked before it).";
        }
    }

    private final boolean gapsAllowed;
    private long checked;
    private Long expectedSeq;
    private String expectedPrev;
    private long lastSeq;
    private String lastHash = AuditChain.GENESIS;
    private Result failure;

    /**
     * A whole chain from the organization's first event ({@code gapsAllowed} false), or a filtered part of one
     * ({@code true}: every event's own hash is checked, and links between consecutive events).
     */
    public AuditVerifier(boolean gapsAllowed) {
        this.gapsAllowed = gapsAllowed;
        if (!gapsAllowed) {
            expectedSeq = 1L;
            expectedPrev = AuditChain.GENESIS;
        }
    }

    /** Checks the next event; false once a problem was found (later events are not looked at). */
    public boolean accept(AuditEvent e) {
        if (failure != null) {
            return false;
        }
        boolean consecutive = expectedSeq != null && e.seq() == expectedSeq;
        if (expectedSeq != null && !consecutive && !(gapsAllowed && e.seq() > expectedSeq)) {
            return fail(expectedSeq, e.seq() > expectedSeq
                    ? "events " + expectedSeq + (e.seq() - 1 > expectedSeq ? "–" + (e.seq() - 1) : "") + " are missing"
                    : "event " + e.seq() + " appears out of order");
        }
        if (consecutive && !expectedPrev.equals(e.prevHash())) {
            return fail(e.seq(), "its link to the previous event does not match that event's hash");
        }
        if (!AuditChain.hash(e).equals(e.hash())) {
            return fail(e.seq(), "its content does not give its hash: it was changed after it was written");
        }
        checked++;
        expectedSeq = e.seq() + 1;
        expectedPrev = e.hash();
        lastSeq = e.seq();
        lastHash = e.hash();
        return true;
    }

    private boolean fail(Long seq, String problem) {
        failure = new Result(checked, seq, problem);
        return false;
    }

    /** After the last event: the chain must end where its head says (nothing removed from the end). */
    public void expectEnd(long headSeq, String headHash) {
        if (failure == null && (lastSeq != headSeq || !lastHash.equals(headHash))) {
            fail(lastSeq + 1, lastSeq < headSeq ? "events " + (lastSeq + 1) + "–" + headSeq + " are missing at the "
                    + "end" : "the chain does not end at the recorded head");
        }
    }

    public Result result() {
        return failure != null ? failure : new Result(checked, null, null);
    }

    /**
     * Verifies an exported JSON Lines file. Its last line is the export's trailer (rows, whether filtered, the
     * last event's seq and hash): a file without it was cut off.
     */
    public static Result verifyJsonLines(BufferedReader in) throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        java.util.List<AuditEvent> events = new java.util.ArrayList<>();
        JsonNode trailer = null;
        String line;
        long lineNo = 0;
        AuditVerifier verifier = null;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = json.readTree(line);
            } catch (JacksonException e) {
                return new Result(verifier == null ? 0 : verifier.checked, null, "line " + lineNo
                        + " is not an exported audit event");
            }
            if (trailer != null) {
                return new Result(verifier == null ? 0 : verifier.checked, null, "line " + lineNo
                        + " follows the export's last line");
            }
            if (node.has("export")) {
                trailer = node.get("export");
                continue;
            }
            AuditEvent e;
            try {
                e = fromJson(node);
            } catch (IllegalArgumentException | DateTimeParseException | NullPointerException ex) {
                return new Result(verifier == null ? 0 : verifier.checked, null, "line " + lineNo
                        + " is not an exported audit event");
            }
            if (verifier == null) {
                // the trailer comes last, so whether gaps are expected is known only then: keep strict unless told
                verifier = new AuditVerifier(true);
            }
            events.add(e);
        }
        if (trailer == null) {
            return new Result(0, null, "the file has no export trailer: it was cut off, or is not a complete "
                    + "export");
        }
        boolean filtered = trailer.path("filtered").asBoolean(true);
        AuditVerifier strict = new AuditVerifier(filtered);
        for (AuditEvent e : events) {
            if (!strict.accept(e)) {
                return strict.result();
            }
        }
        if (trailer.path("rows").asLong(-1) != events.size()) {
            return new Result(strict.checked, null, "the export says " + trailer.path("rows").asLong(-1)
                    + " events but the file holds " + events.size() + ": lines were removed or added");
        }
        if (!events.isEmpty() && !events.getLast().hash().equals(trailer.path("last_hash").asString(""))) {
            return new Result(strict.checked, null, "the last event is not the one the export ended with");
        }
        return strict.result();
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
