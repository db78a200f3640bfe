package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.gateway.GatewayCaller;
import org.connectorconsole.gateway.GatewayCredentials;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.SuiteSecrets;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real MCP client from outside this codebase signs a member in to their gateway endpoint: the TypeScript SDK's
 * OAuth client support ({@code auth()} of {@code @modelcontextprotocol/sdk}, from npm) discovers the console's
 * metadata, registers itself, and sends the member's browser — headless Chromium — to the console, which asks them
 * to sign in with the console's own form and then shows the consent page naming the client, where it sends the
 * member back and what it may use. After Allow, the SDK receives the code (with {@code iss}) on its loopback
 * callback, exchanges it, and holds a token that {@link GatewayCredentials} accepts at that endpoint only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayAuthorizationJourneyTest {

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("gatewayAccessTokens")
    GatewayCredentials credentials;

    @Test
    void the_typescript_sdk_client_signs_a_member_in_through_the_console_and_gets_a_token_for_their_endpoint()
            throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String base = "http://localhost:" + port;
        String resource = base + GatewayEndpoints.memberPath(org.id(), member.id());
        int callbackPort = NpmPeer.freePort();
        String node = NpmPeer.install();
        Path script = Path.of("src/test/resources/org/connectorconsole/gatewayauth/sdk-oauth-client.mjs")
                .toAbsolutePath();
        Path sdk = Path.of("target/conformance/node_modules/@modelcontextprotocol/sdk").toAbsolutePath();
        Process client = new ProcessBuilder(node, script.toString(), sdk.toString(), resource,
                String.valueOf(callbackPort)).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder output = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        try (Browser browser = new Browser(base + "/")) {
            String authorize = awaitLine(lines, "AUTHORIZE ", output);
            assertThat(authorize).startsWith(base + "/oauth2/authorize?")
                    .contains("code_challenge_method=S256")
                    .contains("resource=" + java.net.URLEncoder.encode(resource, StandardCharsets.UTF_8));

            browser.driver().get(authorize);
            browser.await(d -> d.getCurrentUrl().contains("/login"));
            browser.signIn(member.email(), TestOrganizations.PASSWORD);
            browser.find(By.id("consent-title"));
            assertThat(browser.find(By.id("consent-client-name")).getText()).isEqualTo("TypeScript SDK test client");
            assertThat(browser.find(By.id("consent-redirect-uri")).getText())
                    .isEqualTo("http://127.0.0.1:" + callbackPort + "/callback");
            assertThat(browser.find(By.id("consent-what")).getText()).isEqualTo("all your connectors in " + org.name());
            assertThat(browser.find(By.id("consent-client-id")).getText()).isNotBlank();
            browser.screenshot("gateway-consent");
            browser.find(By.id("consent-allow")).click();

            JsonNode callback = JsonMapper.builder().build().readTree(awaitLine(lines, "CALLBACK ", output));
            assertThat(callback.path("state").asString()).isEqualTo("sdk-state-42");
            assertThat(callback.path("iss").asString()).isEqualTo(base);
            assertThat(callback.path("code").asString()).isEqualTo("present");
            assertThat(awaitLine(lines, "SECOND ", output)).isEqualTo("AUTHORIZED");
            JsonNode tokens = JsonMapper.builder().build().readTree(awaitLine(lines, "TOKENS ", output));
            String access = tokens.path("access_token").asString();
            SuiteSecrets.register(access, tokens.path("refresh_token").asString());
            assertThat(tokens.path("refresh_token").asString()).isNotBlank();

            Optional<GatewayCaller> caller = credentials.authenticate(access, resource);
            assertThat(caller).as("the SDK's token at its endpoint").isPresent();
            assertThat(caller.get().member()).isEqualTo(member.id());
            assertThat(caller.get().organization()).isEqualTo(org.id());
            assertThat(caller.get().clientName()).isEqualTo("TypeScript SDK test client");
            assertThat(credentials.authenticate(access, base + GatewayEndpoints.memberPath(org.id(),
                    org.owner().id()))).as("the same token at the owner's endpoint").isEmpty();
        } finally {
            client.destroy();
            if (!client.waitFor(5, TimeUnit.SECONDS)) {
                client.destroyForcibly();
            }
            reader.join(5_000);
        }
    }

    private static String awaitLine(BlockingQueue<String> lines, String prefix, StringBuilder output)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.startsWith("FAILED ")) {
                throw new AssertionError("the SDK client failed: " + output);
            }
            if (line.startsWith(prefix)) {
                return line.substring(prefix.length());
            }
        }
        synchronized (output) {
            throw new AssertionError("no line " + prefix + " from the SDK client within 60 s: " + output);
        }
    }

}
