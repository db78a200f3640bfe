package org.connectorconsole.support;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every secret and token the test suite handed the console, and the check that none of them is readable in a
 * database dump. Tests (and the test authorization server, for every token and code it issues) register the
 * plaintexts; {@code SealedDataAfterSuiteTest}, ordered last, inspects every test database still open, and
 * {@link SuiteDatabases} inspects each one as its test context closes earlier.
 */
public final class SuiteSecrets {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final List<String> FINDINGS = new CopyOnWriteArrayList<>();

    /**
     * Shapes no dump may hold whoever registered them: console API tokens, JWTs (the test authorization server's
     * access tokens), and the {@code s3cret-} prefix test client secrets use.
     */
    static final List<Pattern> SHAPES = List.of(
            Pattern.compile("ccat_[A-Za-z0-9_-]{20,}"),
            Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}"),
            Pattern.compile("s3cret-[A-Za-z0-9_-]+"));

    private SuiteSecrets() {
    }

    /** Registers plaintexts that must never be readable at rest (values of 8 characters or more). */
    public static void register(String... plaintexts) {
        for (String s : plaintexts) {
            if (s != null && s.length() >= 8) {
                SECRETS.add(s);
            }
        }
    }

    public static Set<String> registered() {
        return Set.copyOf(SECRETS);
    }

    static void recordFindings(Collection<String> findings) {
        FINDINGS.addAll(findings);
    }

    /** What the inspections of databases closed before the end of the suite found. */
    public static List<String> earlierFindings() {
        return List.copyOf(FINDINGS);
    }

    /**
     * Inspects one database: a dump of every table must hold no registered secret (in clear, hex or Base64) and
     * nothing of the forbidden shapes, and every {@code bytea} column must hold sealed values only (Tink's
     * framing: version byte 1, a 4-byte key id, then at least a 12-byte nonce and a 16-byte tag), except a column
     * named {@code *_hash}, which must hold 32-byte SHA-256 digests only.
     */
    public static List<String> inspect(Connection connection, String database, Collection<String> secrets)
            throws Exception {
        List<String> found = new ArrayList<>();
        String dump = DatabaseDump.all(connection);
        for (String s : secrets) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            for (String form : List.of(s, HexFormat.of().formatHex(bytes), Base64.getEncoder().encodeToString(bytes),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(bytes))) {
                if (dump.contains(form)) {
                    found.add(database + ": a registered secret (" + s.substring(0, 4) + "…, " + s.length()
                            + " chars) is readable in the dump" + (form.equals(s) ? "" : " (encoded)"));
                }
            }
        }
        for (Pattern shape : SHAPES) {
            Matcher m = shape.matcher(dump);
            if (m.find()) {
                found.add(database + ": the dump holds a value shaped like " + shape.pattern() + " ("
                        + m.group().substring(0, Math.min(8, m.group().length())) + "…)");
            }
        }
        List<String[]> columns = new ArrayList<>();
        try (ResultSet rs = connection.createStatement().executeQuery("select table_name, column_name from "
                + "information_schema.columns where table_schema = 'public' and data_type = 'bytea'")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] column : columns) {
            try (ResultSet rs = connection.createStatement().executeQuery("select \"" + column[1] + "\" from \""
                    + column[0] + "\" where \"" + column[1] + "\" is not null")) {
                // a column named *_hash keeps a SHA-256 digest (a fingerprint, not a secret): exactly 32 bytes
                boolean digest = column[1].endsWith("_hash");
                while (rs.next()) {
                    byte[] value = rs.getBytes(1);
                    if (digest) {
                        if (value.length != 32) {
                            found.add(database + ": " + column[0] + "." + column[1] + " holds a value that is not "
                                    + "a SHA-256 digest (" + value.length + " bytes)");
                        }
                    } else if (value.length < 1 + 4 + 12 + 16 || value[0] != 1) {
                        found.add(database + ": " + column[0] + "." + column[1] + " holds a value that is not "
                                + "sealed (" + value.length + " bytes, first byte " + value[0] + ")");
                    }
                }
            }
        }
        return found;
    }
}
