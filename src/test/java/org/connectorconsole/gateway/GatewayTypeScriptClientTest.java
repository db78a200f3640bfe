package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.connector.Diagnosis;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
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
 * The MCP TypeScript SDK's client (npm {@code @modelcontextprotocol/sdk}, run by Node 22) on a member's gateway
 * endpoint in front of the reference server {@code @modelcontextprotocol/server-everything}: tools held for review
 * are not offered until an owner approves them; then they are listed and called, progress notifications reach
 * the client, and the client's cancellation reaches the call; the audit log names the client.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayTypeScriptClientTest {

    static NpmPeer everything;
    static int everythingPort;
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    GatewayFixture fixture;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ToolPolicyService policies;
    @Autowired
    DSLContext db;

    @BeforeAll
    static void start() throws Exception {
        everythingPort = NpmPeer.freePort();
        everything = NpmPeer.start("@modelcontextprotocol/server-everything/dist/index.js", List.of("streamableHttp"),
                Map.of("PORT", String.valueOf(everythingPort)), everythingPort);
    }

    @AfterAll
    static void stop() {
        if (everything != null) {
            everything.close();
        }
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** The TypeScript client, still connected after its steps until {@link Client#close()}. */
    record Client(Process process, List<JsonNode> answers) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Runs the TypeScript client with these steps and reads its one JSON answer per step. */
    private Client typescript(String path, String token, String steps, int count) throws Exception {
        String node = NpmPeer.install();
        Process p = new ProcessBuilder(node, Path.of("src/test/resources/gateway/ts-client.mjs").toAbsolutePath()
                .toString(), Path.of("target/conformance/node_modules").toAbsolutePath().toString(),
                "http://127.0.0.1:" + port + path, token, steps).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
        List<JsonNode> answers = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String line = out.readLine();
            assertThat(line).as("answer " + (i + 1) + " of the TypeScript client").isNotNull();
            answers.add(JSON.readTree(line));
        }
        return new Client(p, answers);
    }

    @Test
    void the_typescript_sdk_client_lists_calls_sees_progress_and_cancels() throws Exception {
        Org org = fixture.organizationWithGatewayOn(1);
        TestConnectors.Checked checked = testConnectors.addChecked(org, "Everything",
                "http://127.0.0.1:" + everythingPort + "/mcp", ToolSettings.NewTools.HOLD);
        assertThat(checked.diagnosis().outcome()).as(everything.output()).isEqualTo(Diagnosis.Outcome.READY);
        String token = fixture.token(org.members().getFirst(), "ts agent", 1);
        String path = GatewayEndpoints.memberPath(org.id(), org.members().getFirst().id());

        // every tool is new and held for an owner's review: none is offered
        try (Client held = typescript(path, token, "[{\"list\":true}]", 1)) {
            assertThat(held.answers().getFirst().path("tools").size()).as(held.answers().toString()).isZero();
        }

        orgs.signIn(org.owner());
        assertThat(policies.approveAllNew(checked.connector().id())).isGreaterThanOrEqualTo(10);
        Client ts = typescript(path, token, """
                [{"list": true},
                 {"call": "everything__get-sum", "arguments": {"a": 2, "b": 40}},
                 {"call": "everything__trigger-long-running-operation", "arguments": {"duration": 2, "steps": 4}},
                 {"call": "everything__trigger-long-running-operation", "arguments": {"duration": 30, "steps": 30},
                  "cancelAfterProgress": 1}]
                """.replace("\n", " "), 4);
        List<JsonNode> answers = ts.answers();
        assertThat(answers.get(0).path("tools").toString()).contains("everything__echo", "everything__get-sum",
                "everything__trigger-long-running-operation");
        assertThat(answers.get(1).path("result").path("content").toString()).as(answers.get(1).toString())
                .contains("42");
        assertThat(answers.get(2).path("progress").asInt()).as("progress notifications reached the client: "
                + answers.get(2)).isGreaterThanOrEqualTo(2);
        assertThat(answers.get(3).path("error").asString()).as(answers.get(3).toString()).isNotEmpty();

        // the audit log: the calls with the client's name; the cancelled one as CANCELLED (it reached the call)
        List<String> details = db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.ACTION.eq("tool.called")))
                .fetch(r -> r.value1().data());
        assertThat(details).anySatisfy(d -> assertThat(d).contains("ts-agent 1.0").contains("get-sum")
                .contains("SUCCEEDED"));
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && details.stream().noneMatch(d -> d.contains("CANCELLED"))) {
            Thread.sleep(200);
            details = db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT)
                    .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.ACTION.eq("tool.called")))
                    .fetch(r -> r.value1().data());
        }
        assertThat(details).as("the client's cancellation reached the call").anySatisfy(d -> assertThat(d)
                .contains("ts-agent 1.0").contains("trigger-long-running-operation").contains("CANCELLED"));
        ts.close();
    }
}
