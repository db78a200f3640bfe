package org.connectorconsole.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The code's catalogue ({@link AuditAction}) and the table of actions in {@code docs/audit.md} name the same
 * actions: a new event needs both a constant and a row.
 */
class AuditActionCatalogueTest {

    private static final Path DOC = Path.of(System.getProperty("basedir", "."), "docs", "audit.md");
    private static final Pattern NAME = Pattern.compile("`([^`]+)`");

    /** The backticked names in the first column of the table under "## Audit events". */
    static List<String> documentedActions(List<String> lines) {
        List<String> names = new ArrayList<>();
        boolean inSection = false;
        boolean inTable = false;
        for (String line : lines) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## Audit events");
                inTable = false;
                continue;
            }
            if (!inSection) {
                continue;
            }
            if (line.startsWith("| action |")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                break;
            }
            if (inTable && !line.startsWith("|---")) {
                String firstCell = line.split("\\|", -1)[1];
                Matcher m = NAME.matcher(firstCell);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void every_catalogued_action_is_documented_and_every_documented_action_is_catalogued() throws IOException {
        assertThat(DOC).as("docs/audit.md, read from the repository").isRegularFile();
        List<String> documented = documentedActions(Files.readAllLines(DOC));
        assertThat(documented).as("the action table in docs/audit.md (## Audit events)").isNotEmpty()
                .doesNotHaveDuplicates();

        TreeSet<String> catalogued = new TreeSet<>(AuditAction.wireNames());
        TreeSet<String> inDoc = new TreeSet<>(documented);
        TreeSet<String> undocumented = new TreeSet<>(catalogued);
        undocumented.removeAll(inDoc);
        TreeSet<String> uncatalogued = new TreeSet<>(inDoc);
        uncatalogued.removeAll(catalogued);
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(undocumented).as("AuditAction constants without a row in docs/audit.md").isEmpty();
            soft.assertThat(uncatalogued).as("actions in docs/audit.md without an AuditAction constant").isEmpty();
        });
    }

    @Test
    void stored_names_are_unique_thing_dot_past_tense_and_each_action_is_described() {
        assertThat(AuditAction.wireNames()).doesNotHaveDuplicates()
                .allMatch(n -> n.matches("[a-z_]+\\.[a-z_]+"), "<thing>.<past_tense>");
        assertThat(Arrays.stream(AuditAction.values())).allMatch(a -> !a.description().isBlank(), "described");
        for (AuditAction a : AuditAction.values()) {
            assertThat(AuditAction.ofWireName(a.wireName())).contains(a);
        }
        assertThat(AuditAction.ofWireName("test.unknown")).isEmpty();
    }

    @Test
    void the_table_reader_finds_names_in_the_first_column_only() {
        List<String> doc = List.of("# Audit log", "| action | when |", "|---|---|", "| `a.x` | not here |",
                "## Audit events", "text `not.an_action`", "", "| action | when |", "|---|---|",
                "| `a.one` | when `b.two` happens |", "| `a.three`, `a.four` | either |", "", "| `z.after` | x |",
                "## Next", "| action | when |", "| `z.next` | x |");
        assertThat(documentedActions(doc)).containsExactly("a.one", "a.three", "a.four");
    }
}
