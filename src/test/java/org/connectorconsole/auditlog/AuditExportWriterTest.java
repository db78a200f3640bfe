package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.connectorconsole.audit.AuditExportFormat;
import org.connectorconsole.audit.AuditExportWriter;
import org.junit.jupiter.api.Test;

/** CSV that a spreadsheet opens safely, and JSON Lines that stay one event per line. */
class AuditExportWriterTest {

    private static String csvRow(String... cells) throws Exception {
        StringWriter out = new StringWriter();
        String[] values = new String[15];
        System.arraycopy(cells, 0, values, 0, cells.length);
        new AuditExportWriter(out, AuditExportFormat.CSV).row(values);
        return out.toString();
    }

    @Test
    void formula_starts_are_neutralised() throws Exception {
        assertThat(csvRow("=HYPERLINK(\"http://evil\")")).startsWith("\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assertThat(csvRow("+1+1")).startsWith("'+1+1,");
        assertThat(csvRow("-2")).startsWith("'-2,");
        assertThat(csvRow("@SUM(A1)")).startsWith("'@SUM(A1),");
        assertThat(csvRow("\tcmd")).startsWith("'\tcmd,");
        assertThat(csvRow("\rcmd")).startsWith("\"'\rcmd\",");
        assertThat(csvRow("a=b")).startsWith("a=b,");
    }

    @Test
    void rfc4180_quoting_and_crlf() throws Exception {
        assertThat(csvRow("plain", "with,comma", "with \"quote\"", "two\nlines"))
                .startsWith("plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",")
                .endsWith(",,,,,,,,,,\r\n");
        assertThat(csvRow(new String[] {null})).isEqualTo(",,,,,,,,,,,,,,\r\n");
    }

    @Test
    void json_lines_escape_control_characters_and_keep_one_event_per_line() throws Exception {
        StringWriter out = new StringWriter();
        String[] values = new String[15];
        values[0] = "id-1";
        values[1] = "7";
        values[5] = "line\nbreak \"quoted\" \u2028 tab\t";
        values[10] = "{\"k\": \"v\"}";
        new AuditExportWriter(out, AuditExportFormat.JSONL).row(values);
        String line = out.toString();
        assertThat(line).endsWith("}\n").doesNotContain("\u2028");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        assertThat(line).contains("\"seq\":7,").contains("\"details\":{\"k\": \"v\"}")
                .contains("\"actor_label\":\"line\\nbreak \\\"quoted\\\" \\u2028 tab\\t\"");
    }
}
