package org.connectorconsole.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.McpAuthorizationException;
import org.connectorconsole.oauth.AuthorizationTarget;
import org.connectorconsole.oauth.AuthorizationTargets;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization.IdJag;
import org.connectorconsole.oauth.EnterpriseManagedAuthorization.IdentityProvider;
import org.connectorconsole.oauth.IdentityProviderRefusedException;
import org.connectorconsole.oauth.OAuthClient;
import org.connectorconsole.oauth.OAuthFlowException;
import org.connectorconsole.oauth.TokenSet;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import testpeers.EnterpriseIdentityPeers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Enterprise-managed authorization (SEP-990) against an identity provider and an MCP authorization server that
 * both run in this JVM ({@link EnterpriseIdentityPeers}: ID tokens and ID-JAGs really signed, the ID-JAG really
 * checked against the provider's JWKS), in front of a real MCP server that accepts only that server's tokens.
 */
class EnterpriseManagedAuthorizationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private EnterpriseIdentityPeers peers;
    private TestMcpServer server;
    private EgressClient egress;
    private URI url;
    private IdentityProvider idp;
    private OAuthClient client;

    @BeforeEach
    void start() {
        peers = new EnterpriseIdentityPeers();
        server = new TestMcpServer().oauthProtected("/mcp", "Enterprise tools", peers.asIssuer(), "tools.read",
                TestMcpServer.Speaks.BOTH, TestTool.echo());
        url = URI.create(server.url("/mcp"));
        peers.serving(url.toString());
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
        idp = new IdentityProvider(peers.idpTokenEndpoint(), EnterpriseIdentityPeers.IDP_CLIENT_ID,
                EnterpriseIdentityPeers.IDP_CLIENT_SECRET);
        client = new OAuthClient(EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET,
                OAuthClient.BASIC, OAuthClient.Source.OWNER);
    }

    @AfterEach
    void stop() {
        egress.close();
        server.close();
        peers.close();
    }

    @Test
    void the_headless_client_connects_through_the_identity_provider_and_calls_a_tool_without_a_browser() {
        String context = JsonMapper.builder().build().writeValueAsString(Map.of(
                "client_id", EnterpriseIdentityPeers.AS_CLIENT_ID,
                "client_secret", EnterpriseIdentityPeers.AS_CLIENT_SECRET,
                "idp_client_id", EnterpriseIdentityPeers.IDP_CLIENT_ID,
                "idp_client_secret", EnterpriseIdentityPeers.IDP_CLIENT_SECRET,
                "idp_token_endpoint", peers.idpTokenEndpoint().toString(),
                "idp_id_token", peers.idToken("alice", Instant.now().plusSeconds(600))));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = McpAuthClientCommand.run(List.of(url.toString()), Map.of("MCP_CONFORMANCE_CONTEXT", context),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(status).as(out).isZero();
        assertThat(out).contains("Exchanging the identity assertion at " + peers.idpTokenEndpoint())
                .contains("Called echo: ok").doesNotContain("Authorizing at");
        assertThat(peers.exchanges()).isEqualTo(1);
        assertThat(peers.redemptions()).isEqualTo(1);
        assertThat(peers.asRefusals()).isEmpty();
    }

    @Test
    void a_refusal_by_the_identity_providers_policy_is_reported_as_its_refusal_with_its_reason() throws Exception {
        AuthorizationTarget target = target();
        peers.deny("bob");

        assertThatThrownBy(() -> EnterpriseManagedAuthorization.requestGrant(egress, idp,
                peers.idToken("bob", Instant.now().plusSeconds(600)), target.server().issuer(), target.resource(),
                Set.of("tools.read"), TIMEOUT))
                .isInstanceOfSatisfying(IdentityProviderRefusedException.class, e -> {
                    assertThat(e.error()).isEqualTo("access_denied");
                    assertThat(e.description()).contains("MCP-Engineering-Only").contains("<b>");
                });
        assertThat(peers.redemptions()).isZero();
    }

    @Test
    void an_expired_access_token_is_renewed_by_exchanging_again() throws Exception {
        AuthorizationTarget target = target();
        String idToken = peers.idToken("alice", Instant.now().plusSeconds(600));
        TokenSet first = connect(target, idToken);
        assertThat(first.refreshToken()).as("no refresh token in this profile").isNull();
        assertThat(first.expiresAt()).isAfter(Instant.now());
        assertThat(call(first.accessToken())).contains("Called echo: ok");

        peers.expireAccessTokens();
        assertThatThrownBy(() -> call(first.accessToken())).isInstanceOfSatisfying(McpAuthorizationException.class,
                e -> assertThat(e.status()).isEqualTo(401));

        TokenSet second = connect(target, idToken);
        assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(call(second.accessToken())).contains("Called echo: ok");
        assertThat(peers.exchanges()).isEqualTo(2);
    }

    @Test
    void the_authorization_server_refuses_a_replayed_or_misdirected_grant_and_the_client_says_so() throws Exception {
        AuthorizationTarget target = target();
        String idToken = peers.idToken("alice", Instant.now().plusSeconds(600));
        IdJag grant = EnterpriseManagedAuthorization.requestGrant(egress, idp, idToken, target.server().issuer(),
                target.resource(), Set.of(), TIMEOUT);
        EnterpriseManagedAuthorization.redeem(egress, target.server(), client, grant, TIMEOUT);
        assertThatThrownBy(() -> EnterpriseManagedAuthorization.redeem(egress, target.server(), client, grant,
                TIMEOUT)).isInstanceOfSatisfying(OAuthFlowException.class, e -> assertThat(e.isInvalidGrant())
                        .isTrue());

        IdJag elsewhere = EnterpriseManagedAuthorization.requestGrant(egress, idp, idToken, target.server().issuer(),
                "https://other.example/mcp", Set.of(), TIMEOUT);
        assertThatThrownBy(() -> EnterpriseManagedAuthorization.redeem(egress, target.server(), client, elsewhere,
                TIMEOUT)).isInstanceOf(OAuthFlowException.class);
        assertThat(peers.asRefusals()).containsExactly("jti replayed", "resource https://other.example/mcp");
    }

    @Test
    void an_expired_id_token_is_refused_by_the_identity_provider() throws Exception {
        AuthorizationTarget target = target();
        assertThatThrownBy(() -> EnterpriseManagedAuthorization.requestGrant(egress, idp,
                peers.idToken("alice", Instant.now().minusSeconds(5)), target.server().issuer(), target.resource(),
                Set.of(), TIMEOUT)).isInstanceOfSatisfying(IdentityProviderRefusedException.class,
                        e -> assertThat(e.error()).isEqualTo("invalid_grant"));
    }

    private AuthorizationTarget target() throws Exception {
        AuthorizationTarget target = AuthorizationTargets.discover(egress, url, TIMEOUT).orElseThrow();
        assertThat(target.server().supportsJwtBearerGrant()).isTrue();
        assertThat(target.resource()).isEqualTo(url.toString());
        return target;
    }

    private TokenSet connect(AuthorizationTarget target, String idToken) throws OAuthFlowException {
        IdJag grant = EnterpriseManagedAuthorization.requestGrant(egress, idp, idToken, target.server().issuer(),
                target.resource(), target.scopes(Set.of()), TIMEOUT);
        return EnterpriseManagedAuthorization.redeem(egress, target.server(), client, grant, TIMEOUT);
    }

    private String call(String token) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        McpClientExercise.run(egress, url, token, null, TIMEOUT, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
