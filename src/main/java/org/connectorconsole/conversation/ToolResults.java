package org.connectorconsole.conversation;

import java.util.List;
import org.connectorconsole.mcp.ToolOutcome;

/**
 * Results and messages made storable: PostgreSQL text and jsonb cannot hold U+0000, which a server may well send;
 * messages, names and audited payloads are kept to a readable length.
 */
final class ToolResults {

    /** Full payloads in the audit log (when an owner enables it) are cut at this size. */
    static final int MAX_AUDIT_PAYLOAD = 16 * 1024;
    private static final int MAX_MESSAGE = 2000;
    private static final int MAX_NAME = 256;

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

    /** A message for the history and the audit log: printable, at most 2,000 characters. */
    static String trimmed(String s) {
        if (s == null) {
            return null;
        }
        String printable = printable(s);
        return printable.length() > MAX_MESSAGE ? printable.substring(0, MAX_MESSAGE - 1) + "…" : printable;
    }

    /** A payload for the audit log, cut at {@link #MAX_AUDIT_PAYLOAD}. */
    static String cut(String text) {
        return text.length() <= MAX_AUDIT_PAYLOAD ? text : text.substring(0, MAX_AUDIT_PAYLOAD) + "…";
    }

    /** A tool name for the audit log, at most 256 characters. */
    static String cutName(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME - 1) + "…";
    }
}
