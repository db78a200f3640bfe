package org.connectorconsole.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the parsers of what an MCP server and its authorization server publish (Jazzer; regression inputs in every
 * build, {@code JAZZER_FUZZ=1} fuzzes, see {@code src/bench/fuzz.sh}): the {@code WWW-Authenticate} challenge, and
 * protected resource and authorization server metadata served for real over HTTP on 127.0.0.1. The only failure
 * allowed is {@link DiscoveryException}; an accepted document must satisfy the checks (its resource covers this
 * server's URL on the same origin, it names an authorization server; the issuer is exactly the one asked for).
 */
class MetadataParsersFuzzTest {

    private static HttpServer server;
    private static EgressClient egress;
    private static final AtomicReference<byte[]> DOCUMENT = new AtomicReference<>(new byte[0]);

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            byte[] body = DOCUMENT.get();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        egress.close();
    }

    private static String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @FuzzTest(maxDuration = "20s")
    void bearer_challenge_parses_any_header_without_failing(FuzzedDataProvider data) {
        List<String> headers = List.of(data.consumeString(200), data.consumeRemainingAsString());
        Optional<BearerChallenge> parsed = BearerChallenge.parse(headers);
        assertThat(BearerChallenge.parse(headers)).as("deterministic").isEqualTo(parsed);
        parsed.ifPresent(c -> assertThat(headers).anyMatch(h -> h.toLowerCase(Locale.ROOT).contains("bearer")));
    }

    /** Half the time a document built from fuzzed values (to get past JSON syntax), else raw fuzzed bytes. */
    private static byte[] document(FuzzedDataProvider data, String field, String value) {
        if (data.consumeBoolean()) {
            String doc = "{\"" + field + "\":" + json(data.consumeBoolean() ? value : data.consumeString(80))
                    + ",\"authorization_servers\":[" + json(data.consumeString(60)) + "],"
                    + "\"authorization_endpoint\":" + json(data.consumeString(60)) + ","
                    + "\"token_endpoint\":" + json(data.consumeString(60)) + ","
                    + "\"code_challenge_methods_supported\":[" + json(data.consumeString(10)) + "],"
                    + "\"scopes_supported\":" + (data.consumeBoolean() ? "[]" : json(data.consumeString(20))) + "}";
            return doc.getBytes(StandardCharsets.UTF_8);
        }
        return data.consumeRemainingAsBytes();
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @FuzzTest(maxDuration = "20s")
    void protected_resource_metadata_is_accepted_only_for_this_server(FuzzedDataProvider data) {
        URI mcpUrl = URI.create(base() + "/mcp");
        String suffix = data.consumeString(20);
        DOCUMENT.set(document(data, "resource", base() + suffix));
        BearerChallenge challenge = new BearerChallenge(base() + "/.well-known/oauth-protected-resource/mcp", null,
                null, null);
        try {
            ProtectedResourceMetadata metadata = AuthorizationDiscovery.protectedResource(egress, mcpUrl, challenge);
            URI declared = URI.create(metadata.resource());
            assertThat(declared.getScheme()).isEqualToIgnoringCase("http");
            assertThat(declared.getHost()).isEqualToIgnoringCase("127.0.0.1");
            assertThat(declared.getPort()).isEqualTo(mcpUrl.getPort());
            String path = declared.getRawPath() == null ? "" : declared.getRawPath().replaceAll("/+$", "");
            assertThat("/mcp".equals(path) || path.isEmpty()).as("resource " + metadata.resource()).isTrue();
            assertThat(metadata.authorizationServers()).isNotEmpty().doesNotContainNull();
        } catch (DiscoveryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "20s")
    void authorization_server_metadata_is_accepted_only_with_the_issuer_asked_for(FuzzedDataProvider data) {
        String issuer = base() + "/issuer";
        DOCUMENT.set(document(data, "issuer", issuer));
        try {
            AuthorizationServerMetadata metadata = AuthorizationDiscovery.authorizationServer(egress, issuer);
            assertThat(metadata.issuer()).isEqualTo(issuer);
            metadata.supportsS256(); // derived facts do not fail either
        } catch (DiscoveryException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
