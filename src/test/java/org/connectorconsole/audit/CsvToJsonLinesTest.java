package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** COPY's CSV becomes one JSON object a line, however the bytes arrive. */
class CsvToJsonLinesTest {

    private static final String[] NAMES = {"seq", "text", "details", "hash"};
    private static final CsvToJsonLines.Kind[] KINDS = {CsvToJsonLines.Kind.RAW, CsvToJsonLines.Kind.TEXT,
        CsvToJsonLines.Kind.RAW, CsvToJsonLines.Kind.TEXT};

    @Test
    void cells_become_json_values_in_any_chunking() throws Exception {
        String csv = "1,plain,\"{\"\"k\"\": \"\"v\"\"}\",h1\n"
                + "2,\"comma, \"\"quote\"\" and\nbreak\",\"{}\",h2\n"
                + "3,,\"{}\",\n"
                + "4,\"\",\"{}\",h4\n"
                + "5,back\\slash \u2028 \u2029 \u2026 \u20ac \u0001\t,\"{}\",h5\n";
        String expected = "{\"seq\":1,\"text\":\"plain\",\"details\":{\"k\": \"v\"},\"hash\":\"h1\"}\n"
                + "{\"seq\":2,\"text\":\"comma, \\\"quote\\\" and\\nbreak\",\"details\":{},\"hash\":\"h2\"}\n"
                + "{\"seq\":3,\"text\":null,\"details\":{},\"hash\":null}\n"
                + "{\"seq\":4,\"text\":\"\",\"details\":{},\"hash\":\"h4\"}\n"
                + "{\"seq\":5,\"text\":\"back\\\\slash \\u2028 \\u2029 \u2026 \u20ac \\u0001\\t\",\"details\":{},"
                + "\"hash\":\"h5\"}\n";
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Long> progress = new ArrayList<>();
            CsvToJsonLines lines = new CsvToJsonLines(out, NAMES, KINDS, progress::add, 0, 3);
            for (int i = 0; i < bytes.length; i += chunk) {
                lines.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
            lines.flush();
            assertThat(out.toString(StandardCharsets.UTF_8)).as("chunks of " + chunk).isEqualTo(expected);
            assertThat(lines.rows()).isEqualTo(5);
            assertThat(lines.last(0)).isEqualTo("5");
            assertThat(lines.last(3)).isEqualTo("h5");
        }
    }

    @Test
    void nothing_exported_has_no_last_values() throws Exception {
        CsvToJsonLines lines = new CsvToJsonLines(new ByteArrayOutputStream(), NAMES, KINDS, n -> { }, 0, 3);
        lines.flush();
        assertThat(lines.rows()).isZero();
        assertThat(lines.last(0)).isNull();
        assertThat(lines.last(3)).isNull();
    }
}
