package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.connectorconsole.audit.AuditExportWriter;
import org.junit.jupiter.api.Test;

/** JSON Lines that stay one event per line, whatever the text holds. */
class AuditExportWriterTest {

    @Test
    void json_lines_escape_control_characters_and_keep_one_event_per_line() throws Exception {
        StringWriter out = new StringWriter();
        String[] values = new String[15];
        values[0] = "id-1";
        values[1] = "7";
        values[5] = "line\nbreak \"quoted\" \u2028 tab\t";
        values[10] = "{\"k\": \"v\"}";
        new AuditExportWriter(out).row(values);
        String line = out.toString();
        assertThat(line).endsWith("}\n").doesNotContain("\u2028");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
        assertThat(line).contains("\"seq\":7,").contains("\"details\":{\"k\": \"v\"}")
                .contains("\"actor_label\":\"line\\nbreak \\\"quoted\\\" \\u2028 tab\\t\"");
    }
}
