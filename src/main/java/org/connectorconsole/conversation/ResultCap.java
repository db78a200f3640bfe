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
        int budget = MAX_RESULT_BYTES / Math.max(1, outcome.content().size() + 1);
        List<ToolOutcome.Part> parts = new ArrayList<>();
        for (ToolOutcome.Part part : outcome.content()) {
            if (part.data() != null && part.data().length() > budget) {
                parts.add(ToolOutcome.Part.text("[" + part.kind() + " of " + (part.data().length() * 3 / 4 / 1024)
                        + " KB left out: too large to keep]"));
            } else if (part.text() != null && part.text().length() > budget) {
                parts.add(new ToolOutcome.Part(part.kind(), part.text().substring(0, budget) + "\n[… shortened]",
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
