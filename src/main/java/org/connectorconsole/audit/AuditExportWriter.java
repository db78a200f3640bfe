package org.connectorconsole.audit;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * Writes events as JSON Lines, carrying every field the hash covers in the form it covers them, so an exported
 * file can be verified on its own. (CSV goes through PostgreSQL's COPY; see {@link AuditReader#export}.)
 */
public final class AuditExportWriter {

    public static final String[] COLUMNS = {"id", "seq", "occurred_at", "org_id", "actor_id", "actor_label",
        "action", "target_type", "target_id", "target_label", "details", "client_address", "user_agent",
        "prev_hash", "hash"};

    private final Writer out;
    private final StringBuilder line = new StringBuilder(512);

    public AuditExportWriter(Writer out) {
        this.out = out;
    }

    /**
     * One event; values in {@link #COLUMNS} order, {@code details} as its JSON text, {@code seq} as digits,
     * times as ISO-8601 instants.
     */
    public void row(String[] values) throws IOException {
        line.setLength(0);
        line.append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append('"').append(COLUMNS[i]).append("\":");
            String v = values[i];
            if (v == null) {
                line.append("null");
            } else if (i == 1 || i == 10) {
                line.append(v); // seq is a number, details already a JSON object
            } else {
                jsonString(line, v);
            }
        }
        line.append("}\n");
        out.append(line);
    }

    static void jsonString(StringBuilder sb, String v) {
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Flat details as JSON, keys sorted (as stored). */
    static String detailsJson(Map<String, String> details) {
        StringBuilder sb = new StringBuilder();
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(details).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            jsonString(sb, e.getKey());
            sb.append(':');
            jsonString(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    public void flush() throws IOException {
        out.flush();
    }
}
