package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.API_TOKEN;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.connectorconsole.auditlog.ApiTokenService;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Every kind of response the console sends — API answers and refusals, an unknown API path, an error page, a
 * static file, the health probe — carries the security headers and declares its character set; the stateless API
 * never creates a session and never reaches the Vaadin application.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@ActiveProfiles("test")
class EveryResponseHeadersTest {

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    DSLContext db;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void an_api_answer_carries_the_headers_and_no_session() throws Exception {
        HttpResponse<String> response = get("/api/audit/export?format=jsonl", "Bearer " + token().secret());
        assertThat(response.statusCode()).isEqualTo(200);
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
        assertNoSession(response);
    }

    @Test
    void an_api_refusal_without_a_token_carries_the_headers_and_its_text_intact() throws Exception {
        HttpResponse<String> response = get("/api/audit/export", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
        assertNoSession(response);
        assertThat(response.body()).contains("Bearer ccat_\u2026").contains("Audit log \u203a API tokens");
    }

    @Test
    void an_api_refusal_for_a_token_of_another_scope_carries_the_headers() throws Exception {
        // the database allows only the one scope there is so far: lift that rule for one token, then restore it
        ApiTokenService.Created created = token();
        String rule = db.fetchSingle("select pg_get_constraintdef(oid) from pg_constraint "
                + "where conname = 'api_token_scope'").get(0, String.class);
        db.execute("alter table api_token drop constraint api_token_scope");
        try {
            db.update(API_TOKEN).set(API_TOKEN.SCOPE, "something:else").where(API_TOKEN.ID.eq(created.id())).execute();
            HttpResponse<String> response = get("/api/audit/export", "Bearer " + created.secret());
            assertThat(response.statusCode()).isEqualTo(403);
            assertSecurityHeaders(response);
            assertUtf8Declared(response);
            assertNoSession(response);
        } finally {
            db.deleteFrom(API_TOKEN).where(API_TOKEN.ID.eq(created.id())).execute();
            db.execute("alter table api_token add constraint api_token_scope " + rule);
        }
    }

    @Test
    void an_unknown_api_path_with_a_live_token_is_a_json_404_without_a_session() throws Exception {
        String secret = token().secret();
        for (String path : new String[] {"/api/nothing-here", "/api/audit/nothing-here", "/api/", "/api/login"}) {
            HttpResponse<String> response = get(path, "Bearer " + secret);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path)
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            assertThat(response.body()).as(path).startsWith("{\"error\":\"not_found\"")
                    .doesNotContain("<html").doesNotContain("Vaadin");
            assertSecurityHeaders(response);
            assertUtf8Declared(response);
            assertNoSession(response);
        }
    }

    @Test
    void an_api_bad_request_carries_the_headers() throws Exception {
        HttpResponse<String> response = get("/api/audit/export?format=xml", "Bearer " + token().secret());
        assertThat(response.statusCode()).isEqualTo(400);
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
        assertNoSession(response);
    }

    @Test
    void a_cross_site_refusal_carries_the_headers() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://attacker.example")
                .POST(HttpRequest.BodyPublishers.ofString("username=a%40b.example&password=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        // the cross-site filter's own refusal, not the CSRF check's that would follow it
        assertThat(response.body()).isEqualTo("Refused: this request came from another site.");
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
    }

    @Test
    void an_error_page_carries_the_headers() throws Exception {
        // a sign-in post without its CSRF token is refused with the error page
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=a%40b.example&password=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
    }

    @Test
    void a_static_file_carries_the_headers() throws Exception {
        HttpResponse<String> response = get("/styles.css", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
    }

    @Test
    void the_health_probe_carries_the_headers() throws Exception {
        HttpResponse<String> response = get("/actuator/health", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertSecurityHeaders(response);
        assertUtf8Declared(response);
    }

    private ApiTokenService.Created token() {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        try {
            return tokens.create("Headers check");
        } finally {
            TestOrganizations.signOut();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void the_gateway_authorization_servers_answers_and_refusals_carry_the_headers() throws Exception {
        for (String path : new String[] {"/.well-known/oauth-authorization-server",
                "/.well-known/oauth-protected-resource/mcp/c/" + java.util.UUID.randomUUID(),
                "/oauth2/authorize?response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fa.example%2Fcb"}) {
            HttpResponse<String> response = get(path, null);
            assertThat(response.statusCode()).as(path).isIn(200, 400, 404);
            assertSecurityHeaders(response);
            assertUtf8Declared(response);
        }
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(uri("/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=x&client_id=nobody"))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(token.statusCode()).isIn(400, 401);
        assertSecurityHeaders(token);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void assertSecurityHeaders(HttpResponse<?> response) {
        HttpHeaders headers = response.headers();
        String what = response.request().method() + " " + response.request().uri().getPath() + " ("
                + response.statusCode() + ")";
        assertThat(headers.firstValue("Content-Security-Policy")).as(what + " Content-Security-Policy")
                .hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'")
                        .contains("frame-ancestors 'none'").contains("object-src 'none'"));
        assertThat(headers.firstValue("X-Frame-Options")).as(what + " X-Frame-Options").hasValue("DENY");
        assertThat(headers.firstValue("X-Content-Type-Options")).as(what + " X-Content-Type-Options")
                .hasValue("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).as(what + " Referrer-Policy").hasValue("same-origin");
        assertThat(headers.firstValue("Permissions-Policy")).as(what + " Permissions-Policy")
                .hasValueSatisfying(policy -> assertThat(policy).contains("camera=()"));
    }

    private static void assertUtf8Declared(HttpResponse<?> response) {
        assertThat(response.headers().firstValue("Content-Type"))
                .as(response.request().uri().getPath() + " Content-Type")
                .hasValueSatisfying(type -> assertThat(type.toLowerCase().replace(" ", ""))
                        .contains(";charset=utf-8"));
    }

    private static void assertNoSession(HttpResponse<?> response) {
        assertThat(response.headers().allValues("Set-Cookie")).as(response.request().uri().getPath() + " Set-Cookie")
                .isEmpty();
    }
}
