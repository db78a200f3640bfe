package org.connectorconsole.gatewayauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.util.Map;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.SecretSealer;
import org.connectorconsole.gateway.GatewayCredentials;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.support.ConsoleInstance;
import org.connectorconsole.support.SuiteSecrets;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two whole consoles on one PostgreSQL behind one public address, as behind a load balancer: a grant made on one
 * is accepted by the other, survives the other's restart, is refreshed there, and a
 * revocation on one is refused by the other at once.
 */
class GatewayAuthorizationTwoInstancesTest {

    static final String PUBLIC = "http://127.0.0.1:18444";
    static final String REDIRECT = "http://127.0.0.1:53682/callback";

    static EmbeddedPostgres postgres;
    static String jdbc;
    static String keyset;
    static ConsoleInstance a;
    static ConsoleInstance b;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200").start();
        jdbc = postgres.getJdbcUrl("postgres", "postgres");
        keyset = SecretSealer.newKeysetJson();
        a = ConsoleInstance.start(jdbc, keyset, "--console.public-url=" + PUBLIC);
        b = ConsoleInstance.start(jdbc, keyset, "--console.public-url=" + PUBLIC);
    }

    @AfterAll
    static void stop() throws Exception {
        TestOrganizations.signOut();
        for (AutoCloseable c : new AutoCloseable[] {b, a, postgres}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void a_grant_made_on_one_instance_works_on_the_other_survives_a_restart_and_ends_everywhere_at_once()
            throws Exception {
        Org org = a.bean(TestOrganizations.class).create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = PUBLIC + GatewayEndpoints.memberPath(org.id(), member.id());
        // Both consoles run in this one JVM, where Spring Security's context holder strategy is a global that the
        // last console started installs (Vaadin's); Spring Authorization Server's converters read the global, so
        // this test talks HTTP to the console started last and uses the other one's beans (and restarts it)
        OAuthPlay onB = new OAuthPlay(b.port());
        assertThat(onB.json("/.well-known/oauth-authorization-server").path("issuer").asString()).isEqualTo(PUBLIC);
        String clientId = onB.registerPublicClient("Two-instance app", REDIRECT);
        String verifier = OAuthPlay.verifier();
        Map<String, String> back = onB.new BrowserSession(member.email(), TestOrganizations.PASSWORD)
                .authorize(OAuthPlay.authorizeParams(clientId, REDIRECT, verifier, resource), true);
        assertThat(back.get("iss")).isEqualTo(PUBLIC);
        HttpResponse<String> exchanged = onB.token(Map.of("grant_type", "authorization_code", "code", back.get("code"),
                "redirect_uri", REDIRECT, "client_id", clientId, "code_verifier", verifier, "resource", resource));
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        JsonNode first = OAuthPlay.JSON.readTree(exchanged.body());
        SuiteSecrets.register(back.get("code"), first.path("access_token").asString(),
                first.path("refresh_token").asString());
        assertThat(a.bean(GatewayCredentials.class, "gatewayAccessTokens").authenticate(first.path("access_token").asString(), resource))
                .as("a token issued by B, at A").isPresent();

        // A restarts: the grant is still there, and A (now the console started last) refreshes it
        a.close();
        a = null;
        a = ConsoleInstance.start(jdbc, keyset, "--console.public-url=" + PUBLIC);
        OAuthPlay onA = new OAuthPlay(a.port());
        assertThat(a.bean(GatewayCredentials.class, "gatewayAccessTokens").authenticate(first.path("access_token").asString(), resource))
                .as("the grant after a restart").isPresent();
        HttpResponse<String> refreshed = onA.token(Map.of("grant_type", "refresh_token", "refresh_token",
                first.path("refresh_token").asString(), "client_id", clientId));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode second = OAuthPlay.JSON.readTree(refreshed.body());
        SuiteSecrets.register(second.path("access_token").asString(), second.path("refresh_token").asString());
        String access = second.path("access_token").asString();
        assertThat(b.bean(GatewayCredentials.class, "gatewayAccessTokens").authenticate(access, resource))
                .as("refreshed on A, at B").isPresent();
        assertThat(b.bean(GatewayCredentials.class, "gatewayAccessTokens").authenticate(first.path("access_token").asString(), resource))
                .as("the replaced access token, at B").isEmpty();

        assertThat(onA.revoke(second.path("refresh_token").asString(), clientId).statusCode()).isEqualTo(200);
        assertThat(b.bean(GatewayCredentials.class, "gatewayAccessTokens").authenticate(access, resource))
                .as("revoked on A, refused at B at once").isEmpty();
    }
}
