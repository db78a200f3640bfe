package org.connectorconsole.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token requests as a server sees them, against token endpoints on 127.0.0.1 that answer as real ones do. */
class TokenEndpointTest {

    static TestMcpServer server;
    static EgressClient egress;

    @BeforeAll
    static void start() {
        server = new TestMcpServer()
                .document("/no-expiry/token", "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\"}")
                .document("/expiring/token", "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":3600,\"refresh_token\":\"rt-2\",\"scope\":\"mcp files\"}")
                .status("/forgotten/token", 401, null)
                .document("/revoke", "{}");
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterAll
    static void stop() {
        egress.close();
        server.close();
    }

    private static AuthorizationServerMetadata as(String path) {
        return new AuthorizationServerMetadata(URI.create(server.url("/meta")), server.url(""),
                URI.create(server.url("/authorize")), URI.create(server.url(path)), null,
                URI.create(server.url("/revoke")), List.of("S256"), List.of(), List.of(), false, false);
    }

    @Test
    void a_token_without_expires_in_does_not_expire_at_once_and_the_request_carries_verifier_and_resource()
            throws Exception {
        OAuthClient client = new OAuthClient("client-a", "secret-a", OAuthClient.POST, OAuthClient.Source.OWNER);
        Instant before = Instant.now();
        TokenSet tokens = TokenEndpoint.exchange(egress, as("/no-expiry/token"), client, "http://localhost/cb",
                "code-1", "verifier-1", "state-1", "https://mcp.example.com/mcp", Duration.ofSeconds(5));
        assertThat(tokens.accessToken()).isEqualTo("at-1");
        assertThat(tokens.expiresAt()).as("no expires_in: unknown lifetime, not one second").isNull();
        String body = server.lastBody("/no-expiry/token");
        assertThat(body).contains("grant_type=authorization_code", "code=code-1", "code_verifier=verifier-1",
                "resource=https%3A%2F%2Fmcp.example.com%2Fmcp", "client_id=client-a", "client_secret=secret-a");

        TokenSet expiring = TokenEndpoint.exchange(egress, as("/expiring/token"),
                new OAuthClient("client-b", "secret-b", OAuthClient.BASIC, OAuthClient.Source.DYNAMIC),
                "http://localhost/cb", "code-2", "verifier-2", "state-2", "https://mcp.example.com/mcp",
                Duration.ofSeconds(5));
        assertThat(expiring.expiresAt()).isAfter(before.plusSeconds(3500));
        assertThat(expiring.scopes()).containsExactlyInAnyOrder("mcp", "files");
        assertThat(server.lastAuthorization("/expiring/token")).startsWith("Basic ");
        assertThat(server.lastBody("/expiring/token")).doesNotContain("client_secret");
        assertThat(expiring.toString()).doesNotContain("at-2", "rt-2");
    }

    @Test
    void refresh_sends_the_refresh_token_and_resource_and_keeps_the_old_refresh_token_when_none_is_returned()
            throws Exception {
        OAuthClient client = new OAuthClient("client-c", null, OAuthClient.NONE, OAuthClient.Source.METADATA_DOCUMENT);
        TokenSet tokens = TokenEndpoint.refresh(egress, as("/no-expiry/token"), client, "http://localhost/cb",
                "old-refresh", Set.of("mcp"), "https://mcp.example.com/mcp", Duration.ofSeconds(5));
        assertThat(tokens.refreshToken()).isEqualTo("old-refresh");
        assertThat(server.lastBody("/no-expiry/token")).contains("grant_type=refresh_token",
                "refresh_token=old-refresh", "resource=https%3A%2F%2Fmcp.example.com%2Fmcp", "client_id=client-c");
    }

    @Test
    void an_unknown_client_is_reported_as_invalid_client() {
        OAuthClient client = new OAuthClient("gone", "x", OAuthClient.BASIC, OAuthClient.Source.DYNAMIC);
        assertThatThrownBy(() -> TokenEndpoint.exchange(egress, as("/forgotten/token"), client,
                "http://localhost/cb", "c", "v", "s", "https://mcp.example.com/mcp", Duration.ofSeconds(5)))
                .isInstanceOf(OAuthFlowException.class)
                .satisfies(e -> assertThat(((OAuthFlowException) e).error()).isEqualTo("invalid_client"));
    }

    @Test
    void revocation_authenticates_like_the_token_request() {
        OAuthClient client = new OAuthClient("client-d", "secret-d", OAuthClient.POST, OAuthClient.Source.OWNER);
        assertThat(TokenEndpoint.revoke(egress, as("/x"), client, "tok-1", "refresh_token", Duration.ofSeconds(5)))
                .isEqualTo(TokenEndpoint.Revocation.REVOKED);
        assertThat(server.lastBody("/revoke")).contains("token=tok-1", "token_type_hint=refresh_token",
                "client_id=client-d", "client_secret=secret-d");
        AuthorizationServerMetadata without = new AuthorizationServerMetadata(null, "x", null, null, null, null,
                List.of(), List.of(), List.of(), false, false);
        assertThat(TokenEndpoint.revoke(egress, without, client, "tok", "access_token", Duration.ofSeconds(5)))
                .isEqualTo(TokenEndpoint.Revocation.NOT_OFFERED);
    }

    @Test
    void a_parent_resource_on_the_same_origin_covers_the_url_but_another_origin_or_sibling_never_does() {
        URI mcp = URI.create("https://mcp.example.com/tenant/mcp");
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com/tenant/mcp", mcp)).isTrue();
        assertThat(AuthorizationDiscovery.sameResource("https://MCP.example.com:443/tenant/mcp/", mcp)).isTrue();
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com", mcp)).isTrue();
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com/tenant", mcp)).isTrue();
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com/ten", mcp)).isFalse();
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com/tenant/mcp/x", mcp)).isFalse();
        assertThat(AuthorizationDiscovery.sameResource("https://evil.example.com/tenant/mcp", mcp)).isFalse();
        assertThat(AuthorizationDiscovery.sameResource("http://mcp.example.com/tenant/mcp", mcp)).isFalse();
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com:8443/tenant/mcp", mcp)).isFalse();
        assertThat(AuthorizationDiscovery.sameResource("https://mcp.example.com/tenant/mcp?x=1", mcp)).isFalse();
    }
}
