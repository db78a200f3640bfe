package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official MCP conformance suite's server scenarios ({@code @modelcontextprotocol/conformance}, version pinned in
 * src/test/conformance/install.sh) against a member's gateway endpoint, in front of the suite's own reference server
 * (src/test/conformance/everything-server, which implements the tools, resources and prompts the scenarios call)
 * added as a connector. Each revision's required scenarios ({@code --requirements R}, frozen at the revision's
 * release) run at that revision's wire, with the member's personal access token in the Authorization header
 * (src/test/conformance/gateway/bearer.mjs: the suite's {@code server} command has no header option).
 *
 * <p>The gateway offers a connector's tools and prompts as {@code <connectorKey>__<name>} and its resources as
 * {@code console://<connectorKey>/<uri>}, and the scenarios call fixed names ({@code test_simple_text},
 * {@code test://static-text}), so those cannot pass through it: src/test/conformance/gateway/expected-failures-R.yml
 * lists them, each with its reason, and the suite itself fails the run on any other failure and on a listed
 * scenario that now passes. Results: target/conformance/gateway/R.log; the figures are in docs/testing.md.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayConformanceTest {

    private static final Path WORK = Path.of("target", "conformance");
    private static final Path SOURCES = Path.of("src", "test", "conformance");
    /** The suite's record of one scenario: server-NAME-TIMESTAMP/checks.json. */
    private static final Pattern RESULT_DIR = Pattern.compile("^server-(.+)-\\d{4}-\\d{2}-\\d{2}T[0-9-]+Z$");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static NpmPeer upstream;
    static int upstreamPort;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    GatewaySettingsService gateway;
    @Autowired
    PersonalAccessTokens tokens;

    @BeforeAll
    static void start() throws Exception {
        NpmPeer.install();
        // beside node_modules, so that the server's and the preload's imports resolve to the installed packages
        Path dir = Files.createDirectories(WORK.resolve("gateway"));
        Files.copy(SOURCES.resolve("everything-server/everything-server.ts"), dir.resolve("everything-server.ts"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.copy(SOURCES.resolve("gateway/bearer.mjs"), dir.resolve("bearer.mjs"),
                StandardCopyOption.REPLACE_EXISTING);
        upstreamPort = NpmPeer.freePort();
        upstream = NpmPeer.start("tsx/dist/cli.mjs",
                List.of(dir.resolve("everything-server.ts").toAbsolutePath().toString()),
                Map.of("PORT", String.valueOf(upstreamPort)), upstreamPort);
    }

    @AfterAll
    static void stop() {
        if (upstream != null) {
            upstream.close();
        }
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void the_server_scenarios_pass_through_the_gateway_except_those_that_call_fixed_names() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        gateway.save(true, null, null, gateway.current().version());
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Conformance",
                "http://127.0.0.1:" + upstreamPort + "/mcp", ToolSettings.NewTools.ALLOW);
        assertThat(checked.diagnosis().outcome()).as(upstream.output()).isEqualTo(Diagnosis.Outcome.READY);
        orgs.signIn(org.members().getFirst());
        String token = tokens.create("conformance suite", 1).secret();
        TestOrganizations.signOut();
        String url = "http://127.0.0.1:" + port + GatewayEndpoints.memberPath(org.id(), org.members().getFirst().id());

        List<Run> runs = new ArrayList<>();
        for (String revision : List.of("2025-11-25", "2026-07-28")) {
            runs.add(suite(url, token, revision));
        }
        String report = String.join("\n", runs.stream().map(Run::describe).toList());
        Files.writeString(WORK.resolve("gateway/summary.txt"), report + "\n");
        System.out.println(report);
        for (Run run : runs) {
            assertThat(run.scored()).as("the suite's required server scenarios for " + run.revision())
                    .hasSizeGreaterThanOrEqualTo(30);
            assertThat(run.results().keySet()).as("the suite ran each of them:\n" + run.output())
                    .containsAll(run.scored());
            // the failures the expected-failures file names (each with its reason) and no others; a listed
            // scenario that passes fails the run too (the suite checks both, its exit status says so)
            assertThat(run.exit()).as("the suite found only the expected failures at " + run.revision() + ":\n"
                    + report + "\n" + run.output()).isZero();
            // what passes through a namespacing gateway: the lifecycle and the listings (at 2026-07-28 only tools')
            assertThat(run.passed()).as(report).contains(run.revision().equals("2025-11-25")
                    ? new String[] {"server-initialize", "ping", "tools-list", "resources-list", "prompts-list"}
                    : new String[] {"tools-list", "server-sse-multiple-streams"});
        }
    }

    private static Path results(String revision) {
        return WORK.resolve("gateway/results-" + revision);
    }

    /** Per scenario whether it passed; {@code scored}: the server scenarios the suite requires for the revision. */
    record Run(String revision, int exit, Map<String, Boolean> results, List<String> scored, String output) {
        List<String> passed() {
            return results.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
        }

        String describe() {
            List<String> passedScored = scored.stream().filter(s -> results.getOrDefault(s, false)).toList();
            List<String> failed = scored.stream().filter(s -> !results.getOrDefault(s, false)).toList();
            List<String> unscored = results.keySet().stream().filter(s -> !scored.contains(s)).toList();
            List<String> unscoredPassed = unscored.stream().filter(results::get).toList();
            return "Gateway conformance " + revision + " (required): " + passedScored.size() + " of " + scored.size()
                    + " passed " + passedScored + "; failed (in expected-failures-" + revision + ".yml, whole or "
                    + "per check): " + failed + "\n  run but not scored: " + unscoredPassed.size() + " of "
                    + unscored.size() + " passed " + unscoredPassed;
        }
    }

    /** The server scenarios the suite requires for {@code revision} ("Server scenarios" of its list). */
    private static List<String> required(String node, String revision) throws Exception {
        Process list = new ProcessBuilder(node, WORK.resolve("node_modules/@modelcontextprotocol/conformance/dist/"
                + "index.js").toString(), "list", "--server", "--requirements", revision).redirectErrorStream(true)
                .start();
        String text = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> names = new ArrayList<>();
        boolean server = false;
        for (String line : text.split("\n")) {
            if (line.startsWith("Server scenarios")) {
                server = true;
            } else if (server && line.startsWith("  - ")) {
                names.add(line.substring(4).strip().split(" ")[0]);
            } else if (server) {
                server = false;
            }
        }
        return names;
    }

    private Run suite(String url, String token, String revision) throws Exception {
        String node = NpmPeer.install();
        Path log = WORK.resolve("gateway/" + revision + ".log");
        org.springframework.util.FileSystemUtils.deleteRecursively(results(revision));
        Files.createDirectories(results(revision));
        Path expected = SOURCES.resolve("gateway/expected-failures-" + revision + ".yml").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(node, "--import",
                WORK.resolve("gateway/bearer.mjs").toAbsolutePath().toUri().toString(),
                WORK.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js").toAbsolutePath()
                        .toString(),
                "server", "--url", url, "--requirements", revision, "--expected-failures", expected.toString(),
                "--output-dir", results(revision).toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MCP_BEARER_URL", url);
        builder.environment().put("MCP_BEARER_TOKEN", token);
        builder.environment().put("NO_COLOR", "1");
        Process process = builder.start();
        boolean finished = process.waitFor(20, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
        assertThat(finished).as("the suite finished within 20 minutes:\n" + output).isTrue();
        // per scenario, from the suite's own record (its summary line counts a warning as passed; its baseline, and
        // so this test, do not)
        Map<String, Boolean> results = new LinkedHashMap<>();
        try (var dirs = Files.list(results(revision))) {
            for (Path dir : dirs.sorted().toList()) {
                Matcher m = RESULT_DIR.matcher(dir.getFileName().toString());
                Path checks = dir.resolve("checks.json");
                if (m.matches() && Files.exists(checks)) {
                    boolean clean = true;
                    for (JsonNode check : JSON.readTree(checks.toFile())) {
                        String status = check.path("status").asString();
                        clean &= !status.equals("FAILURE") && !status.equals("WARNING");
                    }
                    results.put(m.group(1), clean);
                }
            }
        }
        return new Run(revision, process.exitValue(), results, required(node, revision), output);
    }
}
