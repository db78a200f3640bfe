package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.ToolInfo;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The doctor against real MCP servers on 127.0.0.1 (development mode lets the console call loopback). */
class ConnectionDoctorTest {

    static TestMcpServer server;
    static EgressClient egress;
    final ConnectionDoctor doctor = new ConnectionDoctor(Clock.systemUTC(), false);

    @BeforeAll
    static void start() {
        server = new TestMcpServer()
                .streamable("/mcp", "plain-server", TestMcpServer.echoTool(), TestMcpServer.addTool())
                .sse("/sse", "/message", "legacy-server", TestMcpServer.echoTool())
                .protectedEndpoint("/protected", true, true)
                .redirect("/moved", "http://169.254.169.254/latest/meta-data/");
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterAll
    static void stop() {
        server.close();
        egress.close();
    }

    private Diagnosis diagnose(String url, String clientId, List<DoctorStep> seen) {
        return doctor.diagnose(egress, url, clientId, seen::add);
    }

    @Test
    void streamable_server_without_auth_is_ready_with_its_tools() {
        List<DoctorStep> seen = new CopyOnWriteArrayList<>();
        Diagnosis d = diagnose(server.url("/mcp"), null, seen);
        assertThat(d.outcome()).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(d.transport()).isEqualTo("Streamable HTTP");
        assertThat(d.serverName()).isEqualTo("plain-server");
        assertThat(d.protocolVersion()).isNotBlank();
        assertThat(d.tools()).extracting(ToolInfo::name).containsExactlyInAnyOrder("echo", "add");
        assertThat(d.tools()).filteredOn(t -> t.name().equals("echo")).first()
                .satisfies(t -> assertThat(t.description()).isEqualTo("Repeats the message it is given"));
        assertThat(seen).extracting(DoctorStep::key).containsExactly("address", "transport", "revision", "session",
                "tools");
        assertThat(seen).allMatch(s -> s.status() == DoctorStep.Status.PASSED);
    }

    @Test
    void sse_only_server_is_found_through_the_legacy_fallback() {
        Diagnosis d = diagnose(server.url("/sse"), null, new CopyOnWriteArrayList<>());
        assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.READY);
        assertThat(d.transport()).isEqualTo("HTTP+SSE (legacy)");
        assertThat(d.serverName()).isEqualTo("legacy-server");
        assertThat(d.tools()).extracting(ToolInfo::name).containsExactly("echo");
    }

    @Test
    void protected_server_shows_its_authorization_set_up_step_by_step() {
        List<DoctorStep> seen = new CopyOnWriteArrayList<>();
        Diagnosis d = diagnose(server.url("/protected"), null, seen);
        assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
        assertThat(seen).extracting(DoctorStep::key).containsExactly("address", "transport", "revision",
                "challenge", "resource-metadata", "server-metadata", "server-addresses", "pkce", "registration");
        assertThat(seen.get(2).status()).as("the revision is not known before sign-in")
                .isEqualTo(DoctorStep.Status.SKIPPED);
        assertThat(d.registration()).isEqualTo("Dynamic Client Registration");
        assertThat(seen.get(3).seen()).contains("resource_metadata=").contains("scope=tools.read");
    }

    @Test
    void owners_client_id_is_the_registration_path_when_given() {
        Diagnosis d = diagnose(server.url("/protected"), "my-client", new CopyOnWriteArrayList<>());
        assertThat(d.registration()).isEqualTo("Client ID from Advanced settings");
    }

    @Test
    void server_without_pkce_is_refused_with_the_reason() {
        try (TestMcpServer noPkce = new TestMcpServer().protectedEndpoint("/mcp", false, true)) {
            Diagnosis d = diagnose(noPkce.url("/mcp"), null, new CopyOnWriteArrayList<>());
            assertThat(d.outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
            assertThat(d.firstFailure().key()).isEqualTo("pkce");
            assertThat(d.firstFailure().advice()).contains("cannot be used safely");
        }
    }

    @Test
    void server_without_registration_asks_for_a_client_id_and_secret() {
        try (TestMcpServer noDcr = new TestMcpServer().protectedEndpoint("/mcp", true, false)) {
            Diagnosis d = diagnose(noDcr.url("/mcp"), null, new CopyOnWriteArrayList<>());
            assertThat(d.firstFailure().key()).isEqualTo("registration");
            assertThat(d.firstFailure().advice()).contains("needs a client ID and secret");
            Diagnosis withId = diagnose(noDcr.url("/mcp"), "registered-by-owner", new CopyOnWriteArrayList<>());
            assertThat(withId.outcome()).isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
        }
    }

    @Test
    void a_2025_03_26_server_without_resource_metadata_is_usable_with_a_warning_naming_the_fallback() {
        try (TestMcpServer legacy = new TestMcpServer()) {
            legacy.status("/mcp", 401, "Bearer");
            String base = "http://127.0.0.1:" + legacy.port();
            Diagnosis d = diagnose(legacy.url("/mcp"), null, new CopyOnWriteArrayList<>());
            assertThat(d.outcome()).as("members can sign in through the default endpoints")
                    .isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
            assertThat(d.steps()).filteredOn(s -> s.key().equals("resource-metadata")).singleElement()
                    .satisfies(s -> {
                        assertThat(s.status()).isEqualTo(DoctorStep.Status.WARNING);
                        assertThat(s.advice()).contains("falls back to MCP 2025-03-26 discovery");
                    });
            assertThat(d.steps()).filteredOn(s -> s.key().equals("server-metadata")).singleElement()
                    .satisfies(s -> assertThat(s.advice()).contains("/authorize, /token and /register at " + base));
        }
    }

    @Test
    void owner_credentials_bound_to_another_issuer_fail_the_registration_step_and_say_what_to_do() {
        String issuer = "http://127.0.0.1:" + server.port() + "/as";
        Diagnosis d = doctor.diagnose(egress, server.url("/protected"), "owners-id", "https://old-as.example",
                s -> { });
        assertThat(d.outcome()).isEqualTo(Diagnosis.Outcome.FAILED);
        assertThat(d.firstFailure().key()).isEqualTo("registration");
        assertThat(d.firstFailure().advice()).contains("entered for https://old-as.example")
                .contains("issued by " + issuer);
        assertThat(doctor.diagnose(egress, server.url("/protected"), "owners-id", issuer, s -> { }).outcome())
                .isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
    }

    @Test
    void metadata_for_another_resource_is_refused() {
        try (TestMcpServer other = new TestMcpServer()) {
            other.status("/mcp", 401, "Bearer resource_metadata=\"" + other.url("/prm") + "\"")
                    .document("/prm", "{\"resource\":\"https://elsewhere.example/mcp\","
                            + "\"authorization_servers\":[\"https://as.example\"]}");
            Diagnosis d = diagnose(other.url("/mcp"), null, new CopyOnWriteArrayList<>());
            assertThat(d.firstFailure().key()).isEqualTo("resource-metadata");
            assertThat(d.firstFailure().advice()).contains("is for https://elsewhere.example/mcp");
        }
    }

    @Test
    void metadata_url_pointing_inside_is_not_fetched() {
        try (TestMcpServer other = new TestMcpServer()) {
            other.status("/mcp", 401, "Bearer resource_metadata=\"http://169.254.169.254/latest/meta-data/\"");
            Diagnosis d = diagnose(other.url("/mcp"), null, new CopyOnWriteArrayList<>());
            assertThat(d.firstFailure().key()).isEqualTo("resource-metadata");
            assertThat(d.firstFailure().advice()).contains("will not fetch");
        }
    }

    /**
     * Every address an authorization server hands back is judged by the policy the connect flow applies; the
     * failed step names the field and the address. The authorization endpoint is opened by the member's browser,
     * not called by the console, but a member must not be sent to a script or a metadata service either.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "authorization_endpoint | javascript:alert(document.cookie)",
        "authorization_endpoint | https://169.254.169.254/authorize",
        "token_endpoint         | https://[::ffff:127.0.0.1]:9/token",
        "token_endpoint         | https://internal.example/token",
        "registration_endpoint  | https://169.254.169.254/register",
        "revocation_endpoint    | https://10.0.0.1/revoke",
        "jwks_uri               | https://[fd00::1]/jwks",
        "jwks_uri               | ftp://keys.example/jwks"})
    void an_address_the_policy_refuses_fails_the_check_naming_field_and_address(String field, String address) {
        HostResolver internal = host -> host.equals("internal.example")
                ? new java.net.InetAddress[] {java.net.InetAddress.getByAddress(host, new byte[] {10, 1, 2, 3})}
                : HostResolver.SYSTEM.resolve(host);
        try (TestMcpServer hostile = new TestMcpServer().protectedEndpointPointing("/mcp", field, address);
                EgressClient judged = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                        internal)) {
            Diagnosis d = doctor.diagnose(judged, hostile.url("/mcp"), null, s -> { });
            assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.FAILED);
            assertThat(d.firstFailure().key()).isEqualTo("server-addresses");
            assertThat(d.firstFailure().advice()).contains(field).contains(address).contains("refuse");
        }
    }

    @Test
    void a_server_whose_addresses_all_pass_says_so() {
        try (TestMcpServer fine = new TestMcpServer().protectedEndpointPointing("/mcp", "jwks_uri",
                "http://127.0.0.1:9/jwks")) {
            Diagnosis d = diagnose(fine.url("/mcp"), null, new CopyOnWriteArrayList<>());
            assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
        }
    }

    @Test
    void a_server_offering_only_the_jwt_bearer_grant_is_enterprise_managed_not_failed() {
        try (TestMcpServer emOnly = new TestMcpServer()) {
            String base = "http://127.0.0.1:" + emOnly.port();
            String issuer = base + "/as";
            emOnly.status("/mcp", 401, "Bearer resource_metadata=\"" + base
                    + "/.well-known/oauth-protected-resource/mcp\"");
            emOnly.document("/.well-known/oauth-protected-resource/mcp", "{\"resource\":\"" + base
                    + "/mcp\",\"authorization_servers\":[\"" + issuer + "\"]}");
            // a token endpoint and registration; no authorization endpoint, no PKCE: only identity-provider grants
            emOnly.document("/.well-known/oauth-authorization-server/as", "{\"issuer\":\"" + issuer + "\","
                    + "\"token_endpoint\":\"" + issuer + "/token\",\"registration_endpoint\":\"" + issuer
                    + "/register\",\"grant_types_supported\":[\"urn:ietf:params:oauth:grant-type:jwt-bearer\"]}");
            List<DoctorStep> seen = new CopyOnWriteArrayList<>();
            Diagnosis d = diagnose(emOnly.url("/mcp"), null, seen);
            assertThat(d.outcome()).as(String.valueOf(d.steps())).isEqualTo(Diagnosis.Outcome.SIGN_IN_REQUIRED);
            assertThat(d.steps()).noneMatch(s -> s.status() == DoctorStep.Status.FAILED);
            assertThat(d.steps()).extracting(DoctorStep::key).doesNotContain("server-metadata-endpoints", "pkce");
            assertThat(d.steps()).filteredOn(s -> s.key().equals("enterprise-managed")).singleElement()
                    .satisfies(s -> {
                        assertThat(s.status()).isEqualTo(DoctorStep.Status.PASSED);
                        assertThat(s.seen()).contains("accepts only the organization's sign-in");
                    });
        }
    }

    @Test
    void redirect_is_reported_not_followed() {
        Diagnosis d = diagnose(server.url("/moved"), null, new CopyOnWriteArrayList<>());
        assertThat(d.firstFailure().key()).isEqualTo("transport");
        assertThat(d.firstFailure().advice()).contains("does not follow redirects")
                .contains("169.254.169.254");
    }

    @Test
    void path_that_is_not_mcp_says_so() {
        Diagnosis d = diagnose(server.url("/nothing-here"), null, new CopyOnWriteArrayList<>());
        assertThat(d.firstFailure().key()).isEqualTo("transport");
        assertThat(d.firstFailure().advice()).contains("does not speak MCP");
    }

    @Test
    void closed_port_is_connection_refused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Diagnosis d = diagnose("http://127.0.0.1:" + port + "/mcp", null, new CopyOnWriteArrayList<>());
        assertThat(d.firstFailure().key()).isEqualTo("transport");
        assertThat(d.firstFailure().advice()).contains("connection refused");
    }

    @Test
    void production_policy_refuses_this_machine_before_any_request() {
        int before = server.requestsToRouter();
        try (EgressClient production = new EgressClient(EgressSettings.DEFAULTS, Set.of(), HostResolver.SYSTEM)) {
            Diagnosis d = doctor.diagnose(production, server.url("/nothing-here"), null, s -> { });
            assertThat(d.firstFailure().key()).isEqualTo("address");
            assertThat(d.firstFailure().advice()).contains("loopback");
            Diagnosis https = doctor.diagnose(production, "https://127.0.0.1:" + server.port() + "/nothing-here",
                    null, s -> { });
            assertThat(https.firstFailure().advice()).contains("loopback");
        }
        assertThat(server.requestsToRouter()).isEqualTo(before);
    }

    @Test
    void a_server_that_never_answers_fails_within_the_step_timeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                while (!silent.isClosed()) {
                    try {
                        held.add(silent.accept()); // accept, read nothing, answer nothing
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            ConnectionDoctor quick = new ConnectionDoctor(Clock.systemUTC(), false, java.time.Duration.ofSeconds(2));
            long start = System.nanoTime();
            Diagnosis d = quick.diagnose(egress, "http://127.0.0.1:" + silent.getLocalPort() + "/mcp", null, s -> { });
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertThat(d.firstFailure().key()).isEqualTo("transport");
            assertThat(d.firstFailure().advice()).contains("within 2 s");
            assertThat(seconds).isLessThan(10);
            for (java.net.Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void the_sdk_session_also_goes_through_the_egress_policy() {
        try (EgressClient production = new EgressClient(EgressSettings.DEFAULTS, Set.of(), HostResolver.SYSTEM)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.connectorconsole.mcp.McpProbe.probe(
                    production, java.net.URI.create("https://127.0.0.1:" + server.port() + "/mcp"),
                    org.connectorconsole.mcp.TransportKind.STREAMABLE_HTTP, java.time.Duration.ofSeconds(5)))
                    .hasMessageContaining("loopback");
        }
    }
}
