package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    private record Run(int exit, String output) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = DoctorCommand.run(List.of(args), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void prints_each_step_and_the_tools_and_exits_zero_for_a_usable_server() {
        try (TestMcpServer server = new TestMcpServer().streamable("/mcp", "cli-server", TestMcpServer.echoTool())) {
            Run r = run(server.url("/mcp"), "--allow-loopback-http");
            assertThat(r.exit()).isZero();
            assertThat(r.output()).contains("[ok]   URL and address").contains("[ok]   Transport: Streamable HTTP")
                    .contains("Server cli-server 1.0.0").contains("echo — Repeats the message it is given")
                    .contains("Result: No sign-in needed");
        }
    }

    @Test
    void refuses_this_machine_by_default_and_says_why() {
        Run r = run("https://127.0.0.1:9/mcp");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("[FAIL] URL and address").contains("loopback");
    }

    @Test
    void a_token_endpoint_the_policy_refuses_fails_the_command_naming_it() {
        try (TestMcpServer server = new TestMcpServer().protectedEndpointPointing("/mcp", "token_endpoint",
                "http://169.254.169.254/latest/meta-data/")) {
            Run r = run(server.url("/mcp"), "--allow-loopback-http");
            assertThat(r.exit()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).contains("[FAIL] Server addresses")
                    .contains("token_endpoint http://169.254.169.254/latest/meta-data/").contains("Result: Check failed");
        }
    }

    @Test
    void wrong_arguments_print_usage() {
        assertThat(run().exit()).isEqualTo(2);
        assertThat(run("https://a.example/", "--bogus").output()).contains("Unknown argument: --bogus")
                .contains("Usage:");
    }
}
