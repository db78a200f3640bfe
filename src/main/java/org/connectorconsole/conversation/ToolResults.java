package org.connectorconsole.conversation;

import java.util.List;
import org.connectorconsole.mcp.ToolOutcome;

/** Results made storable: PostgreSQL text and jsonb cannot hold U+0000, which a server may well send. */
final class ToolResults {

    private static final char NUL = '\u0000';
    private static final char REPLACEMENT = '\uFFFD';

    private ToolResults() {
    }

    static String printable(String text) {
        return text == null || text.indexOf(NUL) < 0 ? text : text.replace(NUL, REPLACEMENT);
    }

    static ToolOutcome storable(ToolOutcome outcome) {
        List<ToolOutcome.Part> parts = outcome.content().stream()
                .map(p -> new ToolOutcome.Part(printable(p.kind()), printable(p.text()), printable(p.mimeType()),
                        printable(p.data())))
                .toList();
        return new ToolOutcome(parts, outcome.isError(), printable(outcome.structuredJson()));
    }
}
