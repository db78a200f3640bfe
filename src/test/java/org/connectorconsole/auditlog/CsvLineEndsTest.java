package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Record ends become CRLF, line breaks inside quoted fields stay, rows are counted, however the bytes arrive. */
class CsvLineEndsTest {

    @Test
    void crlf_outside_quotes_only_in_any_chunking() throws Exception {
        String csv = "a,\"x\ny\",\"q\"\"\"\nb,plain\n\"multi\n\nline\",z\n";
        String expected = "a,\"x\ny\",\"q\"\"\"\r\nb,plain\r\n\"multi\n\nline\",z\r\n";
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Long> progress = new ArrayList<>();
            var ends = org.connectorconsole.audit.CsvLineEndsAccess.create(out, progress::add);
            for (int i = 0; i < bytes.length; i += chunk) {
                ends.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
            ends.flush();
            assertThat(out.toString(StandardCharsets.UTF_8)).as("chunks of " + chunk).isEqualTo(expected);
            assertThat(org.connectorconsole.audit.CsvLineEndsAccess.rows(ends)).isEqualTo(3);
        }
    }

    @Test
    void formula_cells_of_the_chosen_columns_get_an_apostrophe_in_any_chunking() throws Exception {
        // columns 1 and 3 are neutralised; 0 and 2 are not; quoted and empty cells, escaped quotes, two records
        String csv = "=a,=b,-c,@d\n+1,\"=x,y\",\"\",\"\"\"=q\"\n,,\"\t\r\n\",\"-z\"\n";
        String expected = "=a,'=b,-c,'@d\r\n+1,\"'=x,y\",\"\",\"\"\"=q\"\r\n,,\"\t\r\n\",\"'-z\"\r\n";
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= bytes.length; chunk++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            var ends = org.connectorconsole.audit.CsvLineEndsAccess.create(out, n -> { }, 1, 3);
            for (int i = 0; i < bytes.length; i += chunk) {
                ends.write(bytes, i, Math.min(chunk, bytes.length - i));
            }
            ends.flush();
            assertThat(out.toString(StandardCharsets.UTF_8)).as("chunks of " + chunk).isEqualTo(expected);
            assertThat(org.connectorconsole.audit.CsvLineEndsAccess.rows(ends)).isEqualTo(3);
        }
    }
}
