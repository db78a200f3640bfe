package org.connectorconsole.gatewayauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.connectorconsole.base.NotFoundException;
import org.connectorconsole.base.Plan;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.gateway.GatewayCaller;
import org.connectorconsole.gateway.GatewayCredentials;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.support.AuthorizationBrowser;
import org.connectorconsole.support.SuiteSecrets;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;

/**
 * The console's authorization server for the gateway over real HTTP on 127.0.0.1 (embedded PostgreSQL), with the
 * console's own sign-in: metadata, the whole code flow with PKCE, tokens bound to one endpoint and accepted by
 * {@link GatewayCredentials} there only, refresh rotation, revocation, consent remembered and refused, the bounds
 * on registration and on client metadata documents, and grants ending with a membership.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.address=127.0.0.1", "console.gateway.auth.registrations-per-address-per-hour=200"})
@ActiveProfiles("test")
class GatewayAuthorizationServerTest {

    static final String REDIRECT = "http://127.0.0.1:53682/callback";

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("gatewayAccessTokens")
    GatewayCredentials credentials;
    @Autowired
    AuthorizedAppsService apps;
    @Autowired
    OrganizationService organizations;
    @Autowired
    ConversationService conversations;
    @Autowired
    RegistrationLimit registrationLimit;
    @Autowired
    JdbcTemplate jdbc;

    OAuthPlay play;

    @BeforeEach
    void setUp() {
        play = new OAuthPlay(port);
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    String memberResource(Org org, Person person) {
        return play.origin + GatewayEndpoints.memberPath(org.id(), person.id());
    }

    /** Registers a client, signs the member in, allows it, exchanges the code: the token response. */
    JsonNode grant(Org org, Person person, String resource, String clientName) throws Exception {
        String clientId = play.registerPublicClient(clientName, REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(person.email(), TestOrganizations.PASSWORD);
        String verifier = OAuthPlay.verifier();
        Map<String, String> back = browser.authorize(OAuthPlay.authorizeParams(clientId, REDIRECT, verifier, resource),
                true);
        assertThat(back.get("code")).as("code in " + back).isNotBlank();
        HttpResponse<String> token = play.token(Map.of("grant_type", "authorization_code", "code", back.get("code"),
                "redirect_uri", REDIRECT, "client_id", clientId, "code_verifier", verifier, "resource", resource));
        assertThat(token.statusCode()).as("token: " + token.body()).isEqualTo(200);
        JsonNode json = OAuthPlay.JSON.readTree(token.body());
        // none of these may be readable in a database dump (SealedDataAfterSuiteTest)
        SuiteSecrets.register(back.get("code"), json.path("access_token").asString(),
                json.path("refresh_token").asString());
        ((tools.jackson.databind.node.ObjectNode) json).put("client_id", clientId);
        return json;
    }

    @Test
    void metadata_says_s256_only_iss_in_responses_and_names_the_endpoints() throws Exception {
        JsonNode as = play.json("/.well-known/oauth-authorization-server");
        assertThat(as.path("issuer").asString()).isEqualTo(play.origin);
        assertThat(as.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(as.path("authorization_response_iss_parameter_supported").asBoolean()).isTrue();
        assertThat(as.path("client_id_metadata_document_supported").asBoolean()).isTrue();
        assertThat(as.path("registration_endpoint").asString()).isEqualTo(play.origin + "/oauth2/register");
        assertThat(as.path("revocation_endpoint").asString()).isEqualTo(play.origin + "/oauth2/revoke");
        assertThat(as.path("grant_types_supported").toString()).doesNotContain("client_credentials");
    }

    @Test
    void protected_resource_metadata_exists_for_each_real_endpoint_only() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String path = GatewayEndpoints.memberPath(org.id(), member.id());
        JsonNode prm = play.json("/.well-known/oauth-protected-resource" + path);
        assertThat(prm.path("resource").asString()).isEqualTo(play.origin + path);
        assertThat(prm.path("authorization_servers").toString()).as(prm.toString())
                .isEqualTo("[\"" + play.origin + "\"]");

        orgs.signIn(member);
        var conversation = conversations.create("Planning");
        TestOrganizations.signOut();
        String conversationPath = GatewayEndpoints.conversationPath(conversation.id().value());
        assertThat(play.json("/.well-known/oauth-protected-resource" + conversationPath).path("resource").asString())
                .isEqualTo(play.origin + conversationPath);

        Org other = orgs.create(Plan.TEAM, 0);
        assertThat(play.get("/.well-known/oauth-protected-resource"
                + GatewayEndpoints.memberPath(other.id(), member.id()), null).statusCode())
                .as("a member of another organization has no endpoint there").isEqualTo(404);
        assertThat(play.get("/.well-known/oauth-protected-resource"
                + GatewayEndpoints.conversationPath(java.util.UUID.randomUUID()), null).statusCode()).isEqualTo(404);
        assertThat(play.get("/.well-known/oauth-protected-resource/mcp/whatever", null).statusCode()).isEqualTo(404);
    }

    @Test
    void the_code_flow_ends_with_a_token_the_gateway_accepts_at_that_endpoint_only() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Person member = org.members().get(0);
        Person colleague = org.members().get(1);
        String resource = memberResource(org, member);
        JsonNode tokens = grant(org, member, resource, "Test assistant");

        assertThat(tokens.path("token_type").asString()).isEqualToIgnoringCase("Bearer");
        assertThat(tokens.path("expires_in").asLong()).isBetween(60L, 600L);
        assertThat(tokens.path("refresh_token").asString()).isNotBlank();
        String access = tokens.path("access_token").asString();
        assertThat(access).doesNotContain(".").as("opaque, not a JWT");

        Optional<GatewayCaller> caller = credentials.authenticate(access, resource);
        assertThat(caller).isPresent();
        assertThat(caller.get().organization()).isEqualTo(org.id());
        assertThat(caller.get().member()).isEqualTo(member.id());
        assertThat(caller.get().clientName()).isEqualTo("Test assistant");
        assertThat(caller.get().kind()).isEqualTo(GatewayCaller.CredentialKind.OAUTH_GRANT);

        assertThat(credentials.authenticate(access, memberResource(org, colleague)))
                .as("another member's endpoint").isEmpty();
        assertThat(credentials.authenticate(access, resource + "/")).as("not exactly the endpoint").isEmpty();
        assertThat(credentials.authenticate(tokens.path("refresh_token").asString(), resource))
                .as("a refresh token is no access token").isEmpty();

        // nothing stored in clear
        Integer clear = jdbc.queryForObject("select count(*) from oauth2_authorization where "
                + "access_token_value = ? or refresh_token_value = ?",
                Integer.class, access, tokens.path("refresh_token").asString());
        assertThat(clear).isZero();
        Integer hashed = jdbc.queryForObject("select count(*) from oauth2_authorization where "
                + "access_token_value like 'h:%'", Integer.class);
        assertThat(hashed).isPositive();

        // the member sees it under Authorized apps, and its use
        orgs.signIn(member);
        assertThat(apps.mine()).singleElement().satisfies(app -> {
            assertThat(app.clientName()).isEqualTo("Test assistant");
            assertThat(app.resource()).isEqualTo(resource);
            assertThat(app.lastUsedAt()).isNotNull();
        });
        assertThat(jdbc.queryForObject("select count(*) from audit_event where org_id = ? and action in "
                + "('gateway.consent_given', 'gateway.grant_issued', 'gateway.client_registered')", Integer.class,
                org.id().value())).isEqualTo(3);
    }

    @Test
    void a_token_for_a_conversation_is_refused_at_the_members_endpoint_and_the_other_way() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        orgs.signIn(member);
        var conversation = conversations.create("Research");
        TestOrganizations.signOut();
        String conversationResource = play.origin + GatewayEndpoints.conversationPath(conversation.id().value());
        String access = grant(org, member, conversationResource, "Conversation app").path("access_token").asString();
        assertThat(credentials.authenticate(access, conversationResource)).isPresent();
        assertThat(credentials.authenticate(access, memberResource(org, member))).isEmpty();
    }

    @Test
    void refresh_tokens_rotate_and_an_old_one_is_refused() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        JsonNode first = grant(org, member, resource, "Rotating app");
        String clientId = first.path("client_id").asString();

        HttpResponse<String> refreshed = play.token(Map.of("grant_type", "refresh_token", "refresh_token",
                first.path("refresh_token").asString(), "client_id", clientId));
        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        JsonNode second = OAuthPlay.JSON.readTree(refreshed.body());
        assertThat(second.path("refresh_token").asString()).isNotEqualTo(first.path("refresh_token").asString());
        assertThat(credentials.authenticate(second.path("access_token").asString(), resource)).isPresent();
        assertThat(credentials.authenticate(first.path("access_token").asString(), resource))
                .as("the access token the refresh replaced").isEmpty();

        HttpResponse<String> reused = play.token(Map.of("grant_type", "refresh_token", "refresh_token",
                first.path("refresh_token").asString(), "client_id", clientId));
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(reused.body()).contains("invalid_grant");
        assertThat(credentials.authenticate(second.path("access_token").asString(), resource))
                .as("a replaced refresh token came back: the whole grant ends").isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from audit_event where org_id = ? and action = "
                + "'gateway.grant_revoked' and details::text like '%refresh_token_reused%'", Integer.class,
                org.id().value())).isEqualTo(1);

        HttpResponse<String> afterReuse = play.token(Map.of("grant_type", "refresh_token", "refresh_token",
                second.path("refresh_token").asString(), "client_id", clientId));
        assertThat(afterReuse.statusCode()).as("the current refresh token ended with the grant").isEqualTo(400);
    }

    @Test
    void a_refresh_naming_another_resource_is_invalid_target() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        JsonNode first = grant(org, member, memberResource(org, member), "Other-resource app");
        HttpResponse<String> otherResource = play.token(Map.of("grant_type", "refresh_token", "refresh_token",
                first.path("refresh_token").asString(), "client_id", first.path("client_id").asString(), "resource",
                play.origin + GatewayEndpoints.memberPath(org.id(), org.owner().id())));
        assertThat(otherResource.statusCode()).isEqualTo(400);
        assertThat(otherResource.body()).contains("invalid_target");
    }

    @Test
    void revocation_at_the_endpoint_and_in_authorized_apps_ends_access_at_once() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        JsonNode tokens = grant(org, member, resource, "Revoked app");
        String access = tokens.path("access_token").asString();
        assertThat(credentials.authenticate(access, resource)).isPresent();
        assertThat(play.revoke(access, tokens.path("client_id").asString()).statusCode()).isEqualTo(200);
        assertThat(credentials.authenticate(access, resource)).as("revoked at the revocation endpoint").isEmpty();

        JsonNode again = grant(org, member, resource, "Second app");
        String access2 = again.path("access_token").asString();
        assertThat(credentials.authenticate(access2, resource)).isPresent();
        orgs.signIn(member);
        AuthorizedApp app = apps.mine().stream().filter(a -> a.clientName().equals("Second app")).findFirst()
                .orElseThrow();
        apps.revokeMine(app.id());
        assertThat(credentials.authenticate(access2, resource)).as("revoked in Authorized apps").isEmpty();
        HttpResponse<String> refresh = play.token(Map.of("grant_type", "refresh_token", "refresh_token",
                again.path("refresh_token").asString(), "client_id", again.path("client_id").asString()));
        assertThat(refresh.statusCode()).as("the refresh token ended with it").isEqualTo(400);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where org_id = ? and action = "
                + "'gateway.grant_revoked'", Integer.class, org.id().value())).isEqualTo(1);
    }

    @Test
    void pkce_plain_or_missing_and_a_wrong_verifier_are_refused() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        String clientId = play.registerPublicClient("PKCE app", REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);
        String verifier = OAuthPlay.verifier();

        Map<String, String> plain = OAuthPlay.authorizeParams(clientId, REDIRECT, verifier, resource);
        plain.put("code_challenge", verifier);
        plain.put("code_challenge_method", "plain");
        Map<String, String> back = redirectQuery(browser.open(OAuthPlay.authorizeQuery(plain)));
        assertThat(back.get("error")).isEqualTo("invalid_request");
        assertThat(back.get("iss")).isEqualTo(play.origin);

        Map<String, String> missing = OAuthPlay.authorizeParams(clientId, REDIRECT, verifier, resource);
        missing.remove("code_challenge");
        missing.remove("code_challenge_method");
        assertThat(redirectQuery(browser.open(OAuthPlay.authorizeQuery(missing))).get("error"))
                .isEqualTo("invalid_request");

        Map<String, String> ok = browser.authorize(OAuthPlay.authorizeParams(clientId, REDIRECT, verifier, resource),
                true);
        assertThat(ok.get("iss")).isEqualTo(play.origin);
        assertThat(ok.get("state")).isEqualTo("client-state-1");
        HttpResponse<String> wrong = play.token(Map.of("grant_type", "authorization_code", "code", ok.get("code"),
                "redirect_uri", REDIRECT, "client_id", clientId, "code_verifier", OAuthPlay.verifier()));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("invalid_grant");
    }

    @Test
    void a_redirect_uri_not_registered_exactly_is_refused_with_a_page_not_a_redirect() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String clientId = play.registerPublicClient("Redirect app", REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);
        for (String wrong : new String[] {"http://127.0.0.1:53683/callback", REDIRECT + "/", REDIRECT + "?x=1",
                "https://attacker.example/callback"}) {
            HttpResponse<String> r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(clientId, wrong,
                    OAuthPlay.verifier(), memberResource(org, member))));
            assertThat(r.statusCode()).as(wrong).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).as(wrong).isEmpty();
            assertThat(r.body()).contains("is not one it registered");
        }
    }

    @Test
    void another_members_endpoint_or_a_missing_resource_is_refused() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        Person member = org.members().get(0);
        Person colleague = org.members().get(1);
        String clientId = play.registerPublicClient("Nosy app", REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);
        HttpResponse<String> r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(clientId, REDIRECT,
                OAuthPlay.verifier(), memberResource(org, colleague))));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("another member&#39;s gateway endpoint");
        assertThat(r.headers().firstValue("Location")).isEmpty();

        orgs.signIn(colleague);
        var theirs = conversations.create("Theirs");
        TestOrganizations.signOut();
        r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(clientId, REDIRECT, OAuthPlay.verifier(),
                play.origin + GatewayEndpoints.conversationPath(theirs.id().value()))));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("conversation that is not yours");

        Map<String, String> none = OAuthPlay.authorizeParams(clientId, REDIRECT, OAuthPlay.verifier(), null);
        assertThat(redirectQuery(browser.open(OAuthPlay.authorizeQuery(none))).get("error")).isEqualTo("invalid_target");
        assertThat(redirectQuery(browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(clientId, REDIRECT,
                OAuthPlay.verifier(), "https://elsewhere.example/mcp")))).get("error")).isEqualTo("invalid_target");
    }

    @Test
    void a_password_session_cannot_authorize_in_an_organization_that_requires_single_sign_on() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String clientId = play.registerPublicClient("SSO app", REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);
        jdbc.update("update organization set sso_required = true where id = ?", org.id().value());
        HttpResponse<String> r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(clientId, REDIRECT,
                OAuthPlay.verifier(), memberResource(org, member))));
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("requires single sign-on");
        assertThat(r.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void consent_is_remembered_per_client_and_endpoint_and_deny_answers_access_denied() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        String clientId = play.registerPublicClient("Remembered app", REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);
        browser.authorize(OAuthPlay.authorizeParams(clientId, REDIRECT, OAuthPlay.verifier(), resource), true);
        Map<String, String> second = browser.authorize(OAuthPlay.authorizeParams(clientId, REDIRECT,
                OAuthPlay.verifier(), resource), false);
        assertThat(second.get("code")).as("no consent page the second time: " + second).isNotBlank();

        // another endpoint of the same member: asked again, and Deny goes back to the client as access_denied
        orgs.signIn(member);
        var conversation = conversations.create("Asked again");
        TestOrganizations.signOut();
        HttpResponse<String> r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(clientId, REDIRECT,
                OAuthPlay.verifier(), play.origin + GatewayEndpoints.conversationPath(conversation.id().value()))));
        Map<String, String> consent = redirectQuery(r);
        assertThat(consent.get("_path")).isEqualTo("/oauth2/consent");
        Map<String, String> denied = redirectQuery(browser.answerConsent(clientId, consent.get("state"), "deny"));
        assertThat(denied.get("error")).isEqualTo("access_denied");
        assertThat(denied.get("state")).isEqualTo("client-state-1");
        assertThat(denied.get("iss")).isEqualTo(play.origin);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where org_id = ? and action = "
                + "'gateway.consent_denied'", Integer.class, org.id().value())).isEqualTo(1);
    }

    @Test
    void registration_is_rate_limited_per_address_and_unused_registrations_expire() throws Exception {
        String address = "192.0.2." + (int) (Math.random() * 200);
        int allowed = 0;
        while (registrationLimit.allow(address)) {
            allowed++;
            assertThat(allowed).isLessThan(1000);
        }
        assertThat(allowed).isEqualTo(200);
        assertThat(registrationLimit.allow("198.51.100.7")).as("another address").isTrue();

        HttpResponse<String> tooMany = play.register("{\"redirect_uris\":[\"" + REDIRECT + "\"],"
                + "\"token_endpoint_auth_method\":\"none\",\"scope\":\"mcp\"}", null);
        // 127.0.0.1 itself is far from its limit here; the metadata bounds are checked instead
        assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(201);
        HttpResponse<String> tooManyUris = play.register("{\"redirect_uris\":[" + "\"https://a.example/cb\",".repeat(11)
                + "\"https://a.example/cb\"],\"token_endpoint_auth_method\":\"none\"}", null);
        assertThat(tooManyUris.statusCode()).isEqualTo(400);
        assertThat(tooManyUris.body()).contains("invalid_redirect_uri");

        String unused = play.registerPublicClient("Never used", REDIRECT);
        Org org = orgs.create(Plan.TEAM, 1);
        String used = grant(org, org.members().getFirst(), memberResource(org, org.members().getFirst()), "Used")
                .path("client_id").asString();
        String pendingClient = play.registerPublicClient("Never answered", REDIRECT);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(org.members().getFirst().email(),
                TestOrganizations.PASSWORD);
        assertThat(redirectQuery(browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(pendingClient,
                REDIRECT, OAuthPlay.verifier(), memberResource(org, org.members().getFirst()))))).get("_path"))
                .isEqualTo("/oauth2/consent");
        String pendingSql = "select count(*) from oauth2_authorization a join oauth2_registered_client c"
                + " on c.id = a.registered_client_id where c.client_id = ?";
        assertThat(jdbc.queryForObject(pendingSql, Integer.class, pendingClient)).isEqualTo(1);
        registrationLimit.cleanUp(Instant.now().plus(Duration.ofHours(25)));
        assertThat(jdbc.queryForObject(pendingSql, Integer.class, pendingClient))
                .as("a request never answered on the consent page").isZero();
        assertThat(jdbc.queryForObject("select count(*) from gateway_grant g join oauth2_registered_client c"
                + " on c.id = g.registered_client_id where c.client_id = ?", Integer.class, used))
                .as("a grant with a live refresh token").isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from oauth2_registered_client where client_id = ?",
                Integer.class, unused)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from oauth2_registered_client where client_id = ?",
                Integer.class, used)).isEqualTo(1);
    }

    @Test
    void a_client_metadata_document_is_fetched_through_egress_and_a_private_address_is_refused() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);

        for (String privateUrl : new String[] {"https://10.1.2.3/client.json", "https://169.254.169.254/latest/x",
                "https://192.168.1.10/client.json"}) {
            HttpResponse<String> r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(privateUrl,
                    REDIRECT, OAuthPlay.verifier(), resource)));
            assertThat(r.statusCode()).as(privateUrl).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).isEmpty();
        }

        HttpServer documents = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        int[] fetches = {0};
        documents.createContext("/", exchange -> {
            fetches[0]++;
            String self = "http://127.0.0.1:" + documents.getAddress().getPort() + exchange.getRequestURI().getPath();
            String body = exchange.getRequestURI().getPath().equals("/liar.json")
                    ? "{\"client_id\":\"https://someone-else.example/c.json\",\"redirect_uris\":[\"" + REDIRECT + "\"]}"
                    : exchange.getRequestURI().getPath().equals("/big.json")
                    ? "{\"client_id\":\"" + self + "\",\"redirect_uris\":[\"" + REDIRECT + "\"],\"x\":\""
                    + "a".repeat(10_000) + "\"}"
                    : "{\"client_id\":\"" + self + "\",\"client_name\":\"Metadata App\",\"redirect_uris\":[\""
                    + REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        documents.start();
        try {
            String base = "http://127.0.0.1:" + documents.getAddress().getPort();
            for (String refused : new String[] {base + "/liar.json", base + "/big.json"}) {
                HttpResponse<String> r = browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(refused,
                        REDIRECT, OAuthPlay.verifier(), resource)));
                assertThat(r.statusCode()).as(refused).isEqualTo(400);
            }
            String clientId = base + "/client.json";
            String verifier = OAuthPlay.verifier();
            Map<String, String> back = browser.authorize(OAuthPlay.authorizeParams(clientId, REDIRECT, verifier,
                    resource), true);
            HttpResponse<String> token = play.token(Map.of("grant_type", "authorization_code", "code",
                    back.get("code"), "redirect_uri", REDIRECT, "client_id", clientId, "code_verifier", verifier));
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            Optional<GatewayCaller> caller = credentials.authenticate(
                    OAuthPlay.JSON.readTree(token.body()).path("access_token").asString(), resource);
            assertThat(caller).map(GatewayCaller::clientName).contains("Metadata App");
            assertThat(fetches[0]).as("the document is cached briefly: one fetch for the whole flow").isEqualTo(3);
        } finally {
            documents.stop(0);
        }
    }

    @Test
    void a_removed_members_grants_end_with_the_membership() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        JsonNode tokens = grant(org, member, resource, "Leaver's app");
        assertThat(credentials.authenticate(tokens.path("access_token").asString(), resource)).isPresent();

        orgs.signIn(org.owner());
        assertThat(apps.organization()).extracting(AuthorizedApp::memberEmail).containsExactly(member.email());
        organizations.removeMember(member.id());
        assertThat(credentials.authenticate(tokens.path("access_token").asString(), resource)).isEmpty();
        assertThat(apps.organization()).isEmpty();
        HttpResponse<String> refresh = play.token(Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.path("refresh_token").asString(), "client_id", tokens.path("client_id").asString()));
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(jdbc.queryForObject("select count(*) from oauth2_authorization_consent where principal_name = ?",
                Integer.class, member.email())).as("the consent is forgotten too").isZero();
    }

    @Test
    void an_owner_revokes_a_members_grant_and_an_owner_of_another_organization_cannot() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String resource = memberResource(org, member);
        String access = grant(org, member, resource, "Owner-revoked app").path("access_token").asString();
        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(other.owner());
        assertThat(apps.organization()).isEmpty();
        orgs.signIn(org.owner());
        String grantId = apps.organization().getFirst().id();
        orgs.signIn(other.owner());
        assertThatThrownBy(() -> apps.revokeAsOwner(grantId))
                .isInstanceOf(NotFoundException.class);
        assertThat(credentials.authenticate(access, resource)).isPresent();
        orgs.signIn(member);
        assertThatThrownBy(() -> apps.revokeAsOwner(grantId))
                .isInstanceOf(AccessDeniedException.class);
        orgs.signIn(org.owner());
        apps.revokeAsOwner(grantId);
        assertThat(credentials.authenticate(access, resource)).isEmpty();
    }

    @Test
    void only_the_consent_page_allows_its_own_requests_redirect_origin_as_a_form_target() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Person member = org.members().getFirst();
        String clientId = play.registerPublicClient("CSP app", "https://app.example/callback");
        OAuthPlay.BrowserSession browser = play.new BrowserSession(member.email(), TestOrganizations.PASSWORD);
        Map<String, String> consent = redirectQuery(browser.open(OAuthPlay.authorizeQuery(OAuthPlay.authorizeParams(
                clientId, "https://app.example/callback", OAuthPlay.verifier(), memberResource(org, member)))));
        HttpResponse<String> page = browser.open("/oauth2/consent?client_id=" + OAuthPlay.enc(clientId)
                + "&state=" + OAuthPlay.enc(consent.get("state")));
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("form-action 'self' https://app.example;");
        HttpResponse<String> forged = browser.open("/oauth2/consent?client_id=x&state=not-a-state");
        assertThat(forged.headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("form-action 'self';");
        assertThat(browser.open("/account").headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("form-action 'self';");
    }

    private static Map<String, String> redirectQuery(HttpResponse<String> r) {
        assertThat(r.statusCode()).as("a redirect: " + r.body()).isEqualTo(302);
        return AuthorizationBrowser.query(URI.create(r.headers().firstValue("Location").orElseThrow()));
    }
}
