package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** U+2028 and U+2029 leave escaped, lines are counted and the last kept, however the bytes arrive. */
class JsonLinesPassTest {

    @Test
    void line_and_paragraph_separators_are_escaped_in_any_chunking() throws Exception {
        // U+2028 and U+2029 raw, other characters starting with E2 80 (U+2026 …) and E2 alone (U+20AC €) kept
        String in = "{\"a\":\"x\u2028y\u2029z\u2026\u20ac\"}\n{\"b\":\"\u20ac\u2028\"}\n{\"c\":\"end\u2029\"}\n";
        String expected = "{\"a\":\"x\\u2028y\\u2029z\u2026\u20ac\"}\n{\"b\":\"\u20ac\\u2028\"}\n"
                + "{\"c\":\"end\\u2029\"}\n";
        byte[] bytes = in.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Long> progress = new ArrayList<>();
            JsonLinesPass pass = new JsonLinesPass(out, progress::add);
            for (int i = 0; i < bytes.length; i += chunk) {
                pass.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
            pass.flush();
            assertThat(out.toString(StandardCharsets.UTF_8)).as("chunks of " + chunk).isEqualTo(expected);
            assertThat(pass.rows()).isEqualTo(3);
            assertThat(pass.lastLine()).isEqualTo("{\"c\":\"end\\u2029\"}");
        }
    }

    @Test
    void a_separator_cut_off_at_the_end_is_passed_on_as_it_came() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLinesPass pass = new JsonLinesPass(out, n -> { });
        pass.write(new byte[] {'x', (byte) 0xE2, (byte) 0x80});
        pass.flush();
        assertThat(out.toByteArray()).containsExactly('x', (byte) 0xE2, (byte) 0x80);
        assertThat(pass.rows()).isZero();
        assertThat(pass.lastLine()).isEmpty();
    }
}
