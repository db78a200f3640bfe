package org.connectorconsole.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/** Every table of the database as {@code COPY … TO STDOUT} writes it: what a backup or a stolen dump holds. */
public final class DatabaseDump {

    private DatabaseDump() {
    }

    public static String all(DataSource dataSource) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            return all(connection);
        }
    }

    /** As above, on a given connection (sees that connection's uncommitted changes too). */
    public static String all(Connection connection) throws Exception {
        StringWriter out = new StringWriter();
        List<String> tables = new ArrayList<>();
        try (var rs = connection.createStatement().executeQuery(
                "select table_name from information_schema.tables where table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        var copy = connection.unwrap(PGConnection.class).getCopyAPI();
        for (String table : tables) {
            out.write("-- " + table + "\n");
            copy.copyOut("COPY public.\"" + table + "\" TO STDOUT", out);
        }
        return out.toString();
    }

    /** Fails if any of the values appears in the dump in clear, as hex or as Base64. */
    public static void assertHoldsNone(String dump, String... secrets) {
        for (String s : secrets) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            assertThat(dump).as("in clear").doesNotContain(s);
            assertThat(dump).as("as hex").doesNotContain(HexFormat.of().formatHex(bytes));
            assertThat(dump).as("as Base64").doesNotContain(Base64.getEncoder().encodeToString(bytes));
        }
    }
}
