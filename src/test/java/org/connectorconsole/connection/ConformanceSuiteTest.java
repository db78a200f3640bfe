package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official MCP conformance suite ({@code @modelcontextprotocol/conformance}, from the npm registry), every
 * authorization scenario of spec 2025-11-25, against the console's headless client on this test classpath.
 * {@code src/test/conformance/run.sh} does the work; its output is in target/conformance/run.log.
 */
class ConformanceSuiteTest {

    @Test
    void every_2025_11_25_authorization_scenario_passes() throws Exception {
        assertThat(onPath("npm")).as("npm is needed to fetch Node 22 and the conformance suite (.ci/run installs it)")
                .isTrue();
        Path log = Path.of("target", "conformance", "run.log");
        Files.createDirectories(log.getParent());
        ProcessBuilder run = new ProcessBuilder("bash", "src/test/conformance/run.sh",
                System.getProperty("java.class.path"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        run.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = run.start();
        boolean finished = process.waitFor(20, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(finished).as("the suite finished within 20 minutes").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("Conformance (auth, 2025-11-25): 14 passed, 0 failed");
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
