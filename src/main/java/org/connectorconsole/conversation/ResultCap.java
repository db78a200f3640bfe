package org.connectorconsole.conversation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.connectorconsole.mcp.ToolOutcome;
import tools.jackson.databind.json.JsonMapper;

/** Keeps a result the history can hold: long texts shortened, large images left out, each with a note. */
final class ResultCap {

    /** A result larger than this is kept shortened in the history (the member is told). */
    static final int MAX_RESULT_BYTES = 512 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ResultCap() {
    }

    /** A result within {@link #MAX_RESULT_BYTES}: the same one when it fits. */
    static ToolOutcome capped(ToolOutcome outcome) {
        String json = JSON.writeValueAsString(outcome);
        if (json.getBytes(StandardCharsets.UTF_8).length <= MAX_RESULT_BYTES) {
            return outcome;
        }
        // The budget counts characters, the limit bytes of JSON: a character may take up to six ("\u0001"), so
        // shorten until the kept copy fits, halving the budget each time.
        int budget = MAX_RESULT_BYTES / Math.max(1, outcome.content().size() + 1);
        ToolOutcome kept = shortened(outcome, budget);
        while (budget > 1 && JSON.writeValueAsString(kept).getBytes(StandardCharsets.UTF_8).length > MAX_RESULT_BYTES) {
            budget /= 2;
            kept = shortened(outcome, budget);
        }
        return kept;
    }

    private static ToolOutcome shortened(ToolOutcome outcome, int budget) {
        List<ToolOutcome.Part> parts = new ArrayList<>();
        for (ToolOutcome.Part part : outcome.content()) {
            if (part.data() != null && part.data().length() > budget) {
                parts.add(ToolOutcome.Part.text("[" + part.kind() + " of " + (part.data().length() * 3 / 4 / 1024)
                        + " KB left out: too large to keep]"));
            } else if (part.text() != null && part.text().length() > budget) {
                // never between the two halves of a surrogate pair
                int end = Character.isHighSurrogate(part.text().charAt(budget - 1)) ? budget - 1 : budget;
                parts.add(new ToolOutcome.Part(part.kind(), part.text().substring(0, end) + "\n[… shortened]",
                        part.mimeType(), part.data()));
            } else {
                parts.add(part);
            }
        }
        String structured = outcome.structuredJson();
        if (structured != null && structured.length() > budget) {
            structured = null;
            parts.add(ToolOutcome.Part.text("[structured result left out: too large to keep]"));
        }
        return new ToolOutcome(parts, outcome.isError(), structured);
    }

    /** What the member is told when the history keeps a shortened copy; null when it keeps the result whole. */
    static String note(ToolOutcome outcome, ToolOutcome kept) {
        return kept == outcome ? null : "The result was larger than " + (MAX_RESULT_BYTES / 1024) + " KB; the "
                + "history keeps a shortened copy.";
    }
}
