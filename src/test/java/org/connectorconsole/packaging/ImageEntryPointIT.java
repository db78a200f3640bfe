package org.connectorconsole.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The container image, as the documented Jib command builds it, and its entry point shown to start. No container
 * runtime can run here and no base image can be pulled, so the image is built on an empty base
 * ({@code -Dimage.base=scratch}: the same layers, configuration and entry point as on the JRE base) and its
 * layers are unpacked into a folder standing for the container's root; the entry point then runs with this
 * machine's JRE as the image's {@code java}, its {@code /app} paths read under that root.
 */
class ImageEntryPointIT {

    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path work;
    static Path root;
    static JsonNode config;

    @BeforeAll
    static void buildTheImage() throws Exception {
        Path tar = work.resolve("jib-image.tar");
        List<String> command = List.of("./mvnw", "-B", "-ntp", "-q", "jib:buildTar", "-Dimage.base=scratch",
                "-Djib.outputPaths.tar=" + tar, "-Djib.outputPaths.digest=" + work.resolve("digest"),
                "-Djib.outputPaths.imageId=" + work.resolve("id"), "-Djib.outputPaths.imageJson=" + work.resolve("json"));
        ProcessBuilder build = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("jib.log").toFile());
        build.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = build.start();
        assertThat(process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).as("Jib finished").isTrue();
        assertThat(process.exitValue()).as(Files.readString(work.resolve("jib.log"))).isZero();
        root = Files.createDirectories(work.resolve("root"));
        config = unpack(tar, root);
    }

    /** Unpacks a docker-save tarball's layers in order into {@code root}; returns the image configuration. */
    private static JsonNode unpack(Path tar, Path root) throws IOException {
        Path files = Files.createDirectories(work.resolve("tar"));
        untar(Files.newInputStream(tar), files);
        JsonNode manifest = JSON.readTree(files.resolve("manifest.json").toFile()).get(0);
        for (JsonNode layer : manifest.get("Layers")) {
            untar(new GzipCompressorInputStream(new BufferedInputStream(
                    Files.newInputStream(files.resolve(layer.asString())))), root);
        }
        return JSON.readTree(files.resolve(manifest.get("Config").asString()).toFile()).get("config");
    }

    private static void untar(InputStream in, Path into) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new AssertionError("A layer entry points outside the image: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static List<String> entrypoint() {
        List<String> entrypoint = new ArrayList<>();
        config.get("Entrypoint").forEach(part -> entrypoint.add(part.asString()));
        return entrypoint;
    }

    /** The entry point as the image's root would run it: its java is this JRE, its /app is under {@code root}. */
    private static List<String> underRoot(List<String> command) throws IOException {
        Path classpathFile = root.resolve("app/jib-classpath-file");
        String classpath = Files.readString(classpathFile).strip();
        Path rewritten = work.resolve("classpath-under-root");
        Files.writeString(rewritten, classpath.replace("/app/", root.resolve("app") + "/"));
        List<String> local = new ArrayList<>();
        for (String part : command) {
            if (part.equals("java")) {
                local.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            } else if (part.equals("@/app/jib-classpath-file")) {
                local.add("@" + rewritten);
            } else {
                local.add(part);
            }
        }
        return local;
    }

    @Test
    void the_image_runs_as_a_non_root_user_with_its_port_volume_and_entry_point() {
        assertThat(config.get("User").asString()).isEqualTo("65532:65532");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.get("Volumes").has("/data")).isTrue();
        assertThat(entrypoint()).startsWith("java").endsWith("org.connectorconsole.Application");
        assertThat(root.resolve("app/libs")).isDirectory();
        try (var libs = Files.list(root.resolve("app/libs"))) {
            assertThat(libs.map(p -> p.getFileName().toString())).isNotEmpty().noneMatch(n -> n.contains("vaadin-dev"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void the_entry_point_starts_the_console_and_the_health_check_sees_it_ready() throws Exception {
        Map<String, String> env = new HashMap<>();
        config.get("Env").forEach(e -> {
            String[] kv = e.asString().split("=", 2);
            env.put(kv[0], kv[1]);
        });
        assertThat(env).containsEntry("CONSOLE_DATA_DIR", "/data/postgres");
        env.put("CONSOLE_DATA_DIR", root.resolve("data/postgres").toString()); // the image's /data, under root
        List<String> command = new ArrayList<>(underRoot(entrypoint()));
        command.add("--server.port=0");
        try (RunningProcess console = RunningProcess.start(command, root, env)) {
            int port = Integer.parseInt(console.awaitLine(Pattern.compile("Tomcat started on port (\\d+)"), LIMIT)
                    .group(1));
            console.awaitLine(Pattern.compile("First-time setup: open http"), LIMIT);
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/login")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(console.output()).contains("Vaadin is running in production mode");

            assertThat(healthProbe("http://127.0.0.1:" + port + "/actuator/health/readiness")).isZero();
        }
        assertThat(healthProbe("http://127.0.0.1:1/actuator/health/readiness")).as("nothing listening").isOne();
    }

    /** The compose file's health check command, run as the container would. */
    private static int healthProbe(String url) throws Exception {
        List<String> command = underRoot(List.of("java", "-cp", "@/app/jib-classpath-file",
                "org.connectorconsole.HealthProbe", url));
        Process probe = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(probe.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return probe.exitValue();
    }
}
