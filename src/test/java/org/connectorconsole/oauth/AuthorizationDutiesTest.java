package org.connectorconsole.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The authorization duties of MCP 2026-07-28 on the client side, each against metadata served for real on
 * 127.0.0.1 (as the conformance suite's auth scenarios do): the resource indicator exactly as published, the
 * issuer of authorization server metadata and of the authorization response compared as strings, offline_access
 * only when listed, the union of scopes on a step-up, credentials bound to their issuer, and the 2025-03-26
 * fallbacks for a server that publishes no protected resource metadata.
 */
class AuthorizationDutiesTest {

    TestMcpServer server;
    EgressClient egress;
    String base;

    @BeforeEach
    void start() {
        server = new TestMcpServer();
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        egress.close();
        server.close();
    }

    /** An MCP server at /mcp whose metadata lives at the root and names the issuer base + asPath. */
    private void publish(String resource, String asPath, String declaredIssuer, String extraAsFields) {
        server.status("/mcp", 401, "Bearer");
        server.document("/.well-known/oauth-protected-resource", "{\"resource\":\"" + resource
                + "\",\"authorization_servers\":[\"" + base + asPath + "\"]}");
        server.document("/.well-known/oauth-authorization-server" + asPath, "{\"issuer\":\"" + declaredIssuer
                + "\",\"authorization_endpoint\":\"" + base + "/authorize\",\"token_endpoint\":\"" + base
                + "/token\",\"registration_endpoint\":\"" + base + "/register\","
                + "\"code_challenge_methods_supported\":[\"S256\"]" + extraAsFields + "}");
    }

    private AuthorizationTarget discover() throws OAuthFlowException {
        return AuthorizationTargets.discover(egress, URI.create(base + "/mcp"), (BearerChallenge) null);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    @Test
    void the_resource_is_sent_exactly_as_the_server_published_it_not_as_the_mcp_url() throws Exception {
        // metadata at the origin, for the whole origin, written without a trailing slash (metadata-var2)
        publish(base, "/tenant1", base + "/tenant1", "");
        AuthorizationTarget target = discover();
        assertThat(target.resource()).isEqualTo(base);
        AuthorizationRequests.Started started = AuthorizationRequests.start(target,
                ClientRegistrar.metadataDocument("https://console.example/client.json"), "http://localhost/cb",
                Set.of());
        assertThat(query(started.authorizationUrl())).containsEntry("resource", base);
        assertThat(started.authorizationUrl()).doesNotContain("resource=" + java.net.URLEncoder.encode(base + "/",
                StandardCharsets.UTF_8) + "&").doesNotContain(java.net.URLEncoder.encode(base + "/mcp",
                        StandardCharsets.UTF_8));
    }

    @Test
    void metadata_for_another_resource_stops_before_anything_is_registered_or_opened() {
        publish("https://evil.example.com/mcp", "/as", base + "/as", "");
        assertThatThrownBy(this::discover).isInstanceOf(OAuthFlowException.class)
                .hasMessageContaining("is for https://evil.example.com/mcp, not for this connector's URL");
        assertThat(server.lastBody(base.isEmpty() ? "" : "/register")).isNull();
    }

    @Test
    void authorization_server_metadata_naming_another_issuer_is_refused_even_when_it_differs_by_a_slash() {
        publish(base + "/mcp", "/as", "https://attacker.example.com", "");
        assertThatThrownBy(this::discover).isInstanceOf(OAuthFlowException.class)
                .hasMessageContaining("declares the issuer https://attacker.example.com, not " + base + "/as");
        publish(base + "/mcp", "/as", base + "/as/", "");
        assertThatThrownBy(this::discover).isInstanceOf(OAuthFlowException.class)
                .hasMessageContaining("declares the issuer " + base + "/as/, not " + base + "/as");
    }

    @Test
    void the_authorization_responses_iss_is_compared_as_an_exact_string() {
        String issuer = "https://as.example.com";
        assertThat(AuthorizationResponses.issuerAccepted(issuer, issuer, true)).as("iss-supported").isTrue();
        assertThat(AuthorizationResponses.issuerAccepted(null, issuer, false)).as("iss-not-advertised").isTrue();
        assertThat(AuthorizationResponses.issuerAccepted(null, issuer, true)).as("iss-supported-missing").isFalse();
        assertThat(AuthorizationResponses.issuerAccepted("https://evil.example.com", issuer, true))
                .as("iss-wrong-issuer").isFalse();
        assertThat(AuthorizationResponses.issuerAccepted("https://evil.example.com", issuer, false))
                .as("iss-unexpected: compared even when not advertised").isFalse();
        for (String normalised : List.of(issuer + "/", "HTTPS://as.example.com", "https://AS.example.com",
                "https://as.example.com:443", "https://as.example.com/.", "https://as%2Eexample.com")) {
            assertThat(AuthorizationResponses.issuerAccepted(normalised, issuer, true)).as(normalised).isFalse();
        }
    }

    @Test
    void offline_access_is_asked_for_only_when_the_authorization_server_lists_it() throws Exception {
        server.status("/mcp", 401, "Bearer scope=\"mcp:basic\"");
        publish(base + "/mcp", "/as", base + "/as", ",\"scopes_supported\":[\"mcp:basic\",\"offline_access\"]");
        assertThat(AuthorizationTargets.discover(egress, URI.create(base + "/mcp"),
                new BearerChallenge(null, "mcp:basic", null, null)).scopes(Set.of()))
                .containsExactly("mcp:basic", "offline_access");
        publish(base + "/mcp", "/as", base + "/as", ",\"scopes_supported\":[\"mcp:basic\",\"mcp:read\"]");
        AuthorizationTarget without = AuthorizationTargets.discover(egress, URI.create(base + "/mcp"),
                new BearerChallenge(null, "mcp:basic offline_access", null, null));
        assertThat(without.scopes(Set.of("offline_access"))).as("not listed: never asked for, even when "
                + "challenged or asked for before").containsExactly("mcp:basic");
        assertThat(without.registrationScopes()).doesNotContain("offline_access");
    }

    @Test
    void a_step_up_asks_for_the_union_of_what_was_asked_before_and_what_is_challenged() throws Exception {
        publish(base + "/mcp", "/as", base + "/as", "");
        AuthorizationTarget stepUp = AuthorizationTargets.discover(egress, URI.create(base + "/mcp"),
                new BearerChallenge(null, "mcp:write", "insufficient_scope", null));
        assertThat(stepUp.scopes(Set.of("mcp:basic"))).containsExactlyInAnyOrder("mcp:basic", "mcp:write");
    }

    @Test
    void dynamic_registration_says_application_type_and_asks_for_refresh_tokens() throws Exception {
        publish(base + "/mcp", "/as", base + "/as", "");
        server.document("/register", "{\"client_id\":\"registered-1\",\"token_endpoint_auth_method\":\"none\"}");
        OAuthClient client = ClientRegistrar.register(egress, discover().server(), "https://console.example/cb",
                Set.of(), Duration.ofSeconds(5));
        assertThat(client.clientId()).isEqualTo("registered-1");
        assertThat(server.lastBody("/register")).contains("\"application_type\":\"web\"")
                .contains("\"grant_types\":[\"authorization_code\",\"refresh_token\"]");
    }

    @Test
    void registrations_are_kept_per_issuer_and_never_presented_to_another_one() throws Exception {
        publish(base + "/mcp", "/as", base + "/as", "");
        AuthorizationTarget first = discover();
        Map<String, OAuthClient> kept = new HashMap<>();
        List<String> registeredAt = new ArrayList<>();
        ClientChoice.Registrations registrations = (issuer, registration) -> {
            OAuthClient known = kept.get(issuer);
            if (known == null) {
                registeredAt.add(issuer);
                known = registration.register();
                kept.put(issuer, known);
            }
            return known;
        };
        server.document("/register", "{\"client_id\":\"at-as1\",\"token_endpoint_auth_method\":\"none\"}");
        assertThat(ClientChoice.choose(first, null, null, registrations, egress, "http://localhost/cb",
                Duration.ofSeconds(5)).clientId()).isEqualTo("at-as1");
        assertThat(ClientChoice.choose(first, null, null, registrations, egress, "http://localhost/cb",
                Duration.ofSeconds(5)).clientId()).as("reused at the same issuer").isEqualTo("at-as1");

        // the server moves to another authorization server
        publish(base + "/mcp", "/as2", base + "/as2", "");
        server.document("/register", "{\"client_id\":\"at-as2\",\"token_endpoint_auth_method\":\"none\"}");
        AuthorizationTarget moved = discover();
        OAuthClient there = ClientChoice.choose(moved, null, null, registrations, egress, "http://localhost/cb",
                Duration.ofSeconds(5));
        assertThat(there.clientId()).isEqualTo("at-as2");
        assertThat(registeredAt).containsExactly(base + "/as", base + "/as2");
        String url = AuthorizationRequests.start(moved, there, "http://localhost/cb", Set.of()).authorizationUrl();
        assertThat(url).doesNotContain("at-as1");
    }

    @Test
    void owner_credentials_are_never_offered_to_another_issuer_and_the_owner_is_told() throws Exception {
        publish(base + "/mcp", "/as2", base + "/as2", "");
        AuthorizationTarget moved = discover();
        ClientChoice.OwnerCredentials owners = new ClientChoice.OwnerCredentials("owner-id", "owner-secret",
                base + "/as");
        ClientChoice.Registrations none = (issuer, registration) -> {
            throw new AssertionError("no registration for an owner's connector");
        };
        assertThatThrownBy(() -> ClientChoice.choose(moved, owners, null, none, egress, "http://localhost/cb",
                Duration.ofSeconds(5)))
                .isInstanceOf(OAuthFlowException.class)
                .hasMessageContaining("credentials were entered for " + base + "/as")
                .hasMessageContaining("issued by " + base + "/as2 in the connector's Advanced settings")
                .satisfies(e -> assertThat(((OAuthFlowException) e).error()).isEqualTo(ClientChoice.OTHER_ISSUER));
        assertThat(ClientChoice.choose(moved, new ClientChoice.OwnerCredentials("owner-id", "owner-secret",
                base + "/as2"), null, none, egress, "http://localhost/cb", Duration.ofSeconds(5)).clientId())
                .as("at the issuer they are bound to").isEqualTo("owner-id");
    }

    @Test
    void a_2025_03_26_server_without_resource_metadata_gets_its_origins_authorization_server_metadata()
            throws Exception {
        server.status("/mcp", 401, "Bearer");
        server.document("/.well-known/oauth-authorization-server", "{\"issuer\":\"" + base + "\","
                + "\"authorization_endpoint\":\"" + base + "/oauth/authorize\",\"token_endpoint\":\"" + base
                + "/oauth/token\",\"code_challenge_methods_supported\":[\"S256\"]}");
        AuthorizationTarget target = discover();
        assertThat(target.legacy()).isTrue();
        assertThat(target.server().issuer()).isEqualTo(base);
        assertThat(target.server().authorizationEndpoint()).hasToString(base + "/oauth/authorize");
        assertThat(target.resource()).isEqualTo(base + "/mcp");
    }

    @Test
    void a_2025_03_26_server_without_any_metadata_gets_the_default_endpoints_at_its_origin() throws Exception {
        server.status("/mcp", 401, "Bearer");
        AuthorizationTarget target = discover();
        assertThat(target.server().issuer()).isEqualTo(base);
        assertThat(target.server().authorizationEndpoint()).hasToString(base + "/authorize");
        assertThat(target.server().tokenEndpoint()).hasToString(base + "/token");
        assertThat(target.server().registrationEndpoint()).hasToString(base + "/register");
        assertThat(target.scopes(Set.of())).isEmpty();
        // found again for the code exchange and refreshes, by the issuer the console stored
        assertThat(AuthorizationTargets.server(egress, base, URI.create(base + "/mcp")).tokenEndpoint())
                .hasToString(base + "/token");
        assertThatThrownBy(() -> AuthorizationTargets.server(egress, base + "/other", URI.create(base + "/mcp")))
                .as("only the fallback's own issuer gets the default endpoints").isInstanceOf(DiscoveryException.class);
    }

    @Test
    void no_fallback_when_the_challenge_names_resource_metadata_that_is_missing() {
        server.status("/mcp", 401, "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/x\"");
        assertThatThrownBy(() -> AuthorizationTargets.discover(egress, URI.create(base + "/mcp"),
                new BearerChallenge(base + "/.well-known/oauth-protected-resource/x", null, null, null)))
                .isInstanceOf(OAuthFlowException.class).hasMessageContaining("answered HTTP 404");
    }
}
