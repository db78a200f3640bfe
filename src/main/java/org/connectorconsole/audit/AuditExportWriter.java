package org.connectorconsole.audit;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/**
 * Writes events as CSV (RFC 4180: CRLF, fields quoted when they hold a comma, quote or line break, quotes
 * doubled) or JSON Lines. CSV cells that a spreadsheet would run as a formula (starting with {@code =}, {@code +},
 * {@code -}, {@code @}, tab or carriage return) are neutralised with a leading apostrophe. JSON Lines carry every
 * field the hash covers, so an exported file can be verified on its own.
 */
public final class AuditExportWriter {

    public static final String[] COLUMNS = {"id", "seq", "occurred_at", "org_id", "actor_id", "actor_label",
        "action", "target_type", "target_id", "target_label", "details", "client_address", "user_agent",
        "prev_hash", "hash"};

    private final Writer out;
    private final AuditExportFormat format;
    private final StringBuilder line = new StringBuilder(512);

    public AuditExportWriter(Writer out, AuditExportFormat format) {
        this.out = out;
        this.format = format;
    }

    public void header() throws IOException {
        if (format == AuditExportFormat.CSV) {
            line.setLength(0);
            for (int i = 0; i < COLUMNS.length; i++) {
                if (i > 0) {
                    line.append(',');
                }
                line.append(COLUMNS[i]);
            }
            line.append("\r\n");
            out.write(line.toString());
        }
    }

    /**
     * One event; values in {@link #COLUMNS} order, {@code details} as its JSON text, {@code seq} as digits,
     * times as ISO-8601 instants.
     */
    public void row(String[] values) throws IOException {
        line.setLength(0);
        if (format == AuditExportFormat.CSV) {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    line.append(',');
                }
                csvCell(line, values[i]);
            }
            line.append("\r\n");
        } else {
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
        }
        out.write(line.toString());
    }

    static void csvCell(StringBuilder sb, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        String v = value;
        char first = v.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            v = "'" + v;
        }
        boolean quote = false;
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            sb.append(v);
            return;
        }
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"') {
                sb.append('"');
            }
            sb.append(c);
        }
        sb.append('"');
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
