package org.connectorconsole.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;
import static org.connectorconsole.db.Tables.ORGANIZATION;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.connectorconsole.base.Plan;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.gateway.GatewaySettingsService;
import org.connectorconsole.gateway.PersonalAccessTokens;
import org.connectorconsole.organization.OrganizationService;
import org.connectorconsole.security.CurrentMember;
import org.connectorconsole.support.SignedInBrowser;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * SCIM 2.0 provisioning driven the way identity providers drive it, over HTTP on 127.0.0.1 with the request shapes
 * Okta and Microsoft Entra ID document: look a user up by userName before creating, create, patch group membership
 * (Okta's {@code members[value eq "…"]} removal and path-less replace, Entra's capitalised ops with member lists),
 * deactivate (Entra's {@code "Replace"} with the string {@code "False"}) and delete — each ending the person's access
 * within the one request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a console context of its own: the gateway's MCP transport does not come back after Spring's test cache
        // paused a shared context (GatewayMcpServer.stop closes it for good), and this class calls the gateway
        properties = "console.test.context=scim")
@ActiveProfiles("test")
class ScimProvisioningTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ScimCredentials credentials;
    @Autowired
    GatewaySettingsService gateway;
    @Autowired
    PersonalAccessTokens tokens;
    @Autowired
    OrganizationService organizations;
    @Autowired
    CurrentMember currentMember;
    @Autowired
    DSLContext db;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    /** A SCIM credential of the organization, created by its owner. */
    private String provisioned(Org org) {
        orgs.signIn(org.owner());
        String secret = credentials.create("Okta").secret();
        TestOrganizations.signOut();
        return secret;
    }

    /** The organization requires single sign-on from now on (no password sign-in in the test after this). */
    private void requireSso(Org org) {
        db.update(ORGANIZATION).set(ORGANIZATION.SSO_REQUIRED, true).where(ORGANIZATION.ID.eq(org.id())).execute();
    }

    @Test
    void users_are_created_looked_up_and_refused_as_okta_and_entra_send_them() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String token = provisioned(org);
        requireSso(org);
        String base = "/scim/v2/o/" + org.id();

        // discovery
        JsonNode config = ok(scim("GET", base + "/ServiceProviderConfig", null, token));
        assertThat(config.path("patch").path("supported").asBoolean()).isTrue();
        assertThat(config.path("filter").path("supported").asBoolean()).isTrue();
        assertThat(ok(scim("GET", base + "/ResourceTypes", null, token)).path("totalResults").asInt()).isEqualTo(2);
        JsonNode schemas = ok(scim("GET", base + "/Schemas", null, token));
        assertThat(schemas.path("Resources").get(0).path("id").asString())
                .isEqualTo("urn:ietf:params:scim:schemas:core:2.0:User");

        // Okta: look up by userName first, then create
        String okta = "ada.lovelace-" + org.id().toString().substring(0, 6) + "@example.com";
        JsonNode none = ok(scim("GET", base + "/Users?filter=" + enc("userName eq \"" + okta + "\"")
                + "&startIndex=1&count=100", null, token));
        assertThat(none.path("totalResults").asInt()).isZero();
        HttpResponse<String> created = scim("POST", base + "/Users", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",
                 "name":{"givenName":"Ada","familyName":"Lovelace"},
                 "emails":[{"primary":true,"value":"%s","type":"work"}],
                 "displayName":"Ada Lovelace","locale":"en-US","externalId":"00u1okta","groups":[],"active":true}
                """.formatted(okta, okta), token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
        JsonNode ada = JSON.readTree(created.body());
        String adaId = ada.path("id").asString();
        assertThat(ada.path("userName").asString()).isEqualTo(okta);
        assertThat(ada.path("active").asBoolean()).isTrue();
        assertThat(created.headers().firstValue("Location").orElse("")).endsWith("/Users/" + adaId);
        JsonNode found = ok(scim("GET", base + "/Users?filter=" + enc("userName eq \"" + okta.toUpperCase() + "\""),
                null, token));
        assertThat(found.path("totalResults").asInt()).isEqualTo(1);
        assertThat(found.path("Resources").get(0).path("id").asString()).isEqualTo(adaId);
        assertThat(ok(scim("GET", base + "/Users/" + adaId, null, token)).path("externalId").asString())
                .isEqualTo("00u1okta");
        assertThat(db.select(AUDIT_EVENT.DETAILS).from(AUDIT_EVENT).where(AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.eq("member.added")).and(AUDIT_EVENT.TARGET_ID.eq(adaId)))
                .fetchOne().value1().data()).contains("scim");

        // Entra ID: externalId filter, then create with the string "True"
        String entra = "grace-" + org.id().toString().substring(0, 6) + "@example.com";
        assertThat(ok(scim("GET", base + "/Users?filter=" + enc("externalId eq \"e-42\""), null, token))
                .path("totalResults").asInt()).isZero();
        HttpResponse<String> entraCreated = scim("POST", base + "/Users", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",
                  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId":"e-42","userName":"%s","active":"True","displayName":"Grace Hopper",
                 "emails":[{"primary":true,"type":"work","value":"%s"}],
                 "meta":{"resourceType":"User"},"name":{"formatted":"Grace Hopper","familyName":"Hopper",
                 "givenName":"Grace"}}
                """.formatted(entra, entra), token);
        assertThat(entraCreated.statusCode()).as(entraCreated.body()).isEqualTo(201);

        // errors in SCIM's shape
        HttpResponse<String> duplicate = scim("POST", base + "/Users", "{\"userName\":\"" + okta + "\"}", token);
        assertScimError(duplicate, 409, "uniqueness");
        assertScimError(scim("POST", base + "/Users", "{\"userName\":\"not an address\"}", token), 400,
                "invalidValue");
        assertScimError(scim("GET", base + "/Users?filter=" + enc("title co \"x\""), null, token), 400,
                "invalidFilter");
        assertScimError(scim("GET", base + "/Users?filter=" + enc("userName eq"), null, token), 400,
                "invalidFilter");
        assertScimError(scim("PUT", base + "/Users/" + adaId, "{\"userName\":\"other@example.com\"}", token), 400,
                "mutability");
        assertScimError(scim("GET", base + "/Users/" + java.util.UUID.randomUUID(), null, token), 404, null);
        assertScimError(scim("POST", base + "/Users", "{not json", token), 400, "invalidSyntax");
        assertThat(ok(scim("GET", base + "/Users?startIndex=1&count=1", null, token)).path("itemsPerPage").asInt())
                .isEqualTo(1);
    }

    @Test
    void concurrent_creates_of_one_person_make_one_member_and_conflicts() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String token = provisioned(org);
        requireSso(org);
        String base = "/scim/v2/o/" + org.id();
        String email = "twice-" + org.id().toString().substring(0, 6) + "@example.com";
        int n = 12;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return scim("POST", base + "/Users", "{\"userName\":\"" + email + "\"}", token).statusCode();
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (var f : statuses) {
                codes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(codes).filteredOn(c -> c == 201).hasSize(1);
            assertThat(codes).filteredOn(c -> c == 409).hasSize(n - 1);
        }
        assertThat(ok(scim("GET", base + "/Users?filter=" + enc("userName eq \"" + email + "\""), null, token))
                .path("totalResults").asInt()).isEqualTo(1);
    }

    @Test
    void only_a_live_credential_of_the_organization_is_accepted_and_never_a_browser_session() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String token = provisioned(org);
        Org other = orgs.create(Plan.TEAM, 0);
        String othersToken = provisioned(other);
        String base = "/scim/v2/o/" + org.id();

        assertScimError(scim("GET", base + "/Users", null, null), 401, null);
        assertScimError(scim("GET", base + "/Users", null, "ccscim_wrong"), 401, null);
        assertScimError(scim("GET", base + "/Users", null, othersToken), 404, null);
        // a signed-in owner's session cookie authenticates nothing here
        String session = new SignedInBrowser(port).signIn(org.owner().email());
        HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(URI.create(origin() + base + "/Users"))
                .header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withCookie.statusCode()).isEqualTo(401);
        HttpResponse<String> postWithCookie = http.send(HttpRequest.newBuilder(URI.create(origin() + base + "/Users"))
                .header("Cookie", session).header("Content-Type", "application/scim+json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"userName\":\"x@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(postWithCookie.statusCode()).isEqualTo(401);
        assertThat(postWithCookie.headers().allValues("Set-Cookie")).isEmpty();

        // a member may not create credentials; the owner revokes one and it stops working
        ok(scim("GET", base + "/Users", null, token));
        orgs.signIn(org.owner());
        ScimCredentials.Info info = credentials.list().getFirst();
        credentials.revoke(info.id());
        assertThat(credentials.list().getFirst().revokedAt()).isNotNull();
        TestOrganizations.signOut();
        assertScimError(scim("GET", base + "/Users", null, token), 401, null);
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                .and(AUDIT_EVENT.ACTION.in("scim_credential.created", "scim_credential.revoked")))).isEqualTo(2);
    }

    @Test
    void a_password_organization_refuses_provisioning_with_a_reason() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        String token = credentials.create("Entra").secret();
        TestOrganizations.signOut();
        HttpResponse<String> refused = scim("POST", "/scim/v2/o/" + org.id() + "/Users",
                "{\"userName\":\"someone@example.com\"}", token);
        assertScimError(refused, 400, "invalidValue");
        assertThat(refused.body()).contains("single sign-on");
    }

    @Test
    void groups_follow_okta_and_entra_patches_and_deactivation_and_deletion_end_access_at_once() throws Exception {
        Org org = orgs.create(Plan.TEAM, 2);
        String token = provisioned(org);
        String base = "/scim/v2/o/" + org.id();
        Person first = org.members().get(0);
        Person second = org.members().get(1);
        // the identity provider finds the existing members by userName (and links them)
        String firstId = ok(scim("GET", base + "/Users?filter=" + enc("userName eq \"" + first.email() + "\""),
                null, token)).path("Resources").get(0).path("id").asString();
        assertThat(firstId).isEqualTo(first.id().toString());
        String secondId = second.id().toString();

        // Okta: create the group with a member
        HttpResponse<String> created = scim("POST", base + "/Groups", """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering",
                 "members":[{"value":"%s","display":"%s"}]}
                """.formatted(firstId, first.email()), token);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String groupId = JSON.readTree(created.body()).path("id").asString();
        assertThat(memberIds(ok(scim("GET", base + "/Groups/" + groupId, null, token)))).containsExactly(firstId);
        JsonNode byName = ok(scim("GET", base + "/Groups?filter=" + enc("displayName eq \"Engineering\"")
                + "&excludedAttributes=members", null, token));
        assertThat(byName.path("totalResults").asInt()).isEqualTo(1);
        assertThat(byName.path("Resources").get(0).has("members")).isFalse();

        // Entra ID: capitalised Add with a member list
        ok(scim("PATCH", base + "/Groups/" + groupId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Add","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(secondId), token));
        assertThat(memberIds(ok(scim("GET", base + "/Groups/" + groupId, null, token))))
                .containsExactlyInAnyOrder(firstId, secondId);
        // Okta: remove by a value filter in the path
        ok(scim("PATCH", base + "/Groups/" + groupId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"remove","path":"members[value eq \\"%s\\"]"}]}
                """.formatted(firstId), token));
        assertThat(memberIds(ok(scim("GET", base + "/Groups/" + groupId, null, token)))).containsExactly(secondId);
        // Okta: rename with a path-less replace
        JsonNode renamed = ok(scim("PATCH", base + "/Groups/" + groupId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"id":"%s","displayName":"Platform"}}]}
                """.formatted(groupId), token));
        assertThat(renamed.path("displayName").asString()).isEqualTo("Platform");
        // Entra ID: Remove with a member list in the value
        ok(scim("PATCH", base + "/Groups/" + groupId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Remove","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(secondId), token));
        assertThat(memberIds(ok(scim("GET", base + "/Groups/" + groupId, null, token)))).isEmpty();
        // PUT replaces the members
        JsonNode put = ok(scim("PUT", base + "/Groups/" + groupId, """
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Platform",
                 "members":[{"value":"%s"},{"value":"%s"}]}
                """.formatted(firstId, secondId), token));
        assertThat(memberIds(put)).containsExactlyInAnyOrder(firstId, secondId);
        assertScimError(scim("PATCH", base + "/Groups/" + groupId, """
                {"Operations":[{"op":"add","path":"members","value":[{"value":"%s"}]}]}
                """.formatted(java.util.UUID.randomUUID()), token), 400, "invalidValue");
        assertScimError(scim("PATCH", base + "/Groups/" + groupId, "{\"Operations\":[]}", token), 400,
                "invalidSyntax");

        // the first member works with a gateway token and a session
        orgs.signIn(org.owner());
        gateway.save(true, null, null, gateway.current().version());
        orgs.signIn(first);
        String pat = tokens.create("agent", 30).secret();
        String path = GatewayEndpoints.memberPath(org.id(), first.id());
        TestOrganizations.signOut();
        String session = new SignedInBrowser(port).signIn(first.email());
        assertThat(gatewayInitialize(path, pat).statusCode()).isEqualTo(200);

        // Entra ID deactivates: "Replace" with the string "False"
        JsonNode deactivated = ok(scim("PATCH", base + "/Users/" + firstId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"Replace","path":"active","value":"False"}]}
                """, token));
        assertThat(deactivated.path("active").asBoolean()).isFalse();
        // immediately after the response: the token is refused, the session signed out, the member acts nowhere
        assertThat(gatewayInitialize(path, pat).statusCode()).isEqualTo(401);
        assertThat(new SignedInBrowser(port).open("/account", session).statusCode()).isEqualTo(302);
        assertThat(currentMember.of(first.id(), org.id())).isEmpty();
        assertThat(ok(scim("GET", base + "/Users/" + firstId, null, token)).path("active").asBoolean()).isFalse();
        assertThat(db.select(AUDIT_EVENT.ACTOR_LABEL).from(AUDIT_EVENT)
                .where(AUDIT_EVENT.ORG_ID.eq(org.id()).and(AUDIT_EVENT.ACTION.eq("member.suspended")))
                .fetch().getValues(AUDIT_EVENT.ACTOR_LABEL)).singleElement().asString().startsWith("scim:Okta");
        // Okta reactivates with a boolean
        JsonNode reactivated = ok(scim("PATCH", base + "/Users/" + firstId, """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","value":{"active":true}}]}
                """, token));
        assertThat(reactivated.path("active").asBoolean()).isTrue();
        assertThat(currentMember.of(first.id(), org.id())).isPresent();
        assertThat(gatewayInitialize(path, pat).statusCode()).as("tokens ended stay ended").isEqualTo(401);

        // delete: the membership ends (and with it the group membership)
        HttpResponse<String> deleted = scim("DELETE", base + "/Users/" + secondId, null, token);
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(currentMember.of(second.id(), org.id())).isEmpty();
        assertScimError(scim("GET", base + "/Users/" + secondId, null, token), 404, null);
        assertThat(memberIds(ok(scim("GET", base + "/Groups/" + groupId, null, token)))).containsExactly(firstId);
        orgs.signIn(second);
        assertThatThrownBy(() -> organizations.current()).isInstanceOf(AccessDeniedException.class);
        TestOrganizations.signOut();

        assertThat(scim("DELETE", base + "/Groups/" + groupId, null, token).statusCode()).isEqualTo(204);
        assertScimError(scim("GET", base + "/Groups/" + groupId, null, token), 404, null);
    }

    // ---------------------------------------------------------------- plumbing

    private String origin() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> scim(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Accept", "application/scim+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/scim+json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void assertScimError(HttpResponse<String> response, int status, String scimType) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("schemas").get(0).asString())
                .isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(error.path("status").asString()).isEqualTo(Integer.toString(status));
        if (scimType != null) {
            assertThat(error.path("scimType").asString()).isEqualTo(scimType);
        }
        assertThat(error.path("detail").asString()).isNotBlank();
    }

    private static List<String> memberIds(JsonNode group) {
        List<String> ids = new ArrayList<>();
        group.path("members").forEach(m -> ids.add(m.path("value").asString()));
        return ids;
    }

    private HttpResponse<String> gatewayInitialize(String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
