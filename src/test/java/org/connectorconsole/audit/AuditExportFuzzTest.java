package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresql.PGConnection;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the audit exporters (Jazzer; regression inputs in every build, {@code JAZZER_FUZZ=1} fuzzes, see
 * {@code src/bench/fuzz.sh}): the JSON Lines writer and the CSV path — PostgreSQL's COPY with the console's own
 * neutralising expression, then {@link CsvLineEnds}. Output must parse back to the same cells, one record per
 * row, and no CSV cell may start with a character a spreadsheet runs as a formula.
 */
class AuditExportFuzzTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static EmbeddedPostgres postgres;
    private static Connection connection;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
        connection = postgres.getPostgresDatabase().getConnection();
        connection.createStatement().execute("create table cells (n int, c text)");
    }

    @AfterAll
    static void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void json_lines_parse_back_to_the_same_values_one_line_per_event(FuzzedDataProvider data) throws Exception {
        int rows = data.consumeInt(1, 4);
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            cells.add(data.consumeString(80).replace("\0", ""));
        }
        int chunk = data.consumeInt(1, 64);
        fill(cells);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // a number, a text cell, NULL, and a JSON object: COPY's CSV turned into JSON Lines in pieces of any size
        CsvToJsonLines lines = new CsvToJsonLines(bytes, new String[] {"n", "c", "none", "details"},
                new CsvToJsonLines.Kind[] {CsvToJsonLines.Kind.RAW, CsvToJsonLines.Kind.TEXT,
                    CsvToJsonLines.Kind.TEXT, CsvToJsonLines.Kind.RAW}, n -> { }, 0);
        connection.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select n, c, null, "
                + "jsonb_build_object(c, c)::text from cells order by n) to stdout with (format csv)",
                new ChunkingStream(lines, chunk));
        lines.flush();
        assertThat(lines.rows()).isEqualTo(rows);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        String[] split = text.substring(0, text.length() - 1).split("\n", -1);
        assertThat(split).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            assertThat(split[i]).doesNotContain("\r", "\u2028", "\u2029");
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = JSON.readValue(split[i], Map.class);
            assertThat(parsed.get("n")).isEqualTo(i);
            assertThat(parsed.get("c")).isEqualTo(cells.get(i));
            assertThat(parsed).containsEntry("none", null);
            assertThat(parsed.get("details")).isEqualTo(Map.of(cells.get(i), cells.get(i)));
        }
        assertThat(lines.last(0)).isEqualTo(Integer.toString(rows - 1));
    }

    private static void fill(List<String> cells) throws Exception {
        connection.createStatement().execute("truncate cells");
        try (var insert = connection.prepareStatement("insert into cells values (?, ?)")) {
            for (int i = 0; i < cells.size(); i++) {
                insert.setInt(1, i);
                insert.setString(2, cells.get(i));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void csv_cells_parse_back_neutralised_with_crlf_record_ends(FuzzedDataProvider data) throws Exception {
        int rows = data.consumeInt(1, 4);
        List<String> cells = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            // PostgreSQL text cannot hold NUL
            cells.add(data.consumeString(80).replace("\0", ""));
        }
        int chunk = data.consumeInt(1, 64);
        fill(cells);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] progress = {0};
        // the cell twice: neutralised in the second column, as stored in the third (columns are told apart)
        CsvLineEnds ends = new CsvLineEnds(bytes, n -> progress[0] = n, 1);
        // COPY's output reaches the line-end pass in pieces of any size
        connection.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (select n, c, c from cells order by n) "
                + "to stdout with (format csv)", new ChunkingStream(ends, chunk));
        ends.flush();
        assertThat(ends.rows()).isEqualTo(rows);

        List<List<String>> parsed = parseCrlfCsv(bytes.toString(StandardCharsets.UTF_8));
        assertThat(parsed).hasSize(rows);
        for (int i = 0; i < rows; i++) {
            String in = cells.get(i);
            String expected = !in.isEmpty() && "=+-@\t\r".indexOf(in.charAt(0)) >= 0 ? "'" + in : in;
            assertThat(parsed.get(i)).containsExactly(Integer.toString(i), expected, in);
            assertThat(parsed.get(i).get(1)).as("no formula cell").doesNotStartWith("=").doesNotStartWith("+")
                    .doesNotStartWith("-").doesNotStartWith("@").doesNotStartWith("\t").doesNotStartWith("\r");
        }
    }

    /** RFC 4180 with CRLF record ends required; a bare LF or CR is allowed only inside quotes. */
    static List<List<String>> parseCrlfCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                if (cell.length() > 0) {
                    throw new AssertionError("quote inside an unquoted cell at " + i);
                }
                quoted = true;
                wasQuoted = true;
            } else if (c == ',') {
                record.add(cell.toString());
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '\r') {
                if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
                    throw new AssertionError("bare CR outside quotes at " + i);
                }
                i++;
                record.add(cell.toString());
                records.add(record);
                record = new ArrayList<>();
                cell.setLength(0);
                wasQuoted = false;
            } else if (c == '\n') {
                throw new AssertionError("bare LF record end at " + i);
            } else {
                cell.append(c);
            }
        }
        if (quoted || cell.length() > 0 || !record.isEmpty() || wasQuoted) {
            throw new AssertionError("the last record does not end with CRLF");
        }
        return records;
    }

    /** Hands bytes on in chunks of a given size, as the driver's COPY buffers may. */
    private static final class ChunkingStream extends OutputStream {
        private final OutputStream out;
        private final int chunk;

        ChunkingStream(OutputStream out, int chunk) {
            this.out = out;
            this.chunk = chunk;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = 0; i < len; i += chunk) {
                out.write(b, off + i, Math.min(chunk, len - i));
            }
        }
    }
}
