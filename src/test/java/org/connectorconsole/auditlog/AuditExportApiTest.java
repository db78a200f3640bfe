package org.connectorconsole.auditlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.connectorconsole.db.Tables.API_TOKEN;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.connectorconsole.base.Plan;
import org.connectorconsole.base.ValidationException;
import org.connectorconsole.support.DatabaseDump;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.test.context.ActiveProfiles;

/** {@code /api/audit/export} as a compliance tool calls it, with owner-issued API tokens. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class AuditExportApiTest {

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ApiTokenService tokens;
    @Autowired
    DSLContext db;
    @Autowired
    javax.sql.DataSource dataSource;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private HttpResponse<String> get(String query, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/audit/export" + query)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void a_token_exports_its_own_organization_until_it_is_revoked() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Org other = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        ApiTokenService.Created created = tokens.create("  SIEM export ");
        assertThat(created.name()).isEqualTo("SIEM export");
        assertThat(created.secret()).startsWith("ccat_").hasSizeGreaterThan(40);
        assertThat(db.fetchCount(API_TOKEN, API_TOKEN.TOKEN_HASH.eq(created.secret()))).as("only a hash is stored")
                .isZero();
        DatabaseDump.assertHoldsNone(
                DatabaseDump.all(dataSource), created.secret());

        HttpResponse<String> csv = get("?format=csv", created.secret());
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"audit-log.csv\"");
        assertThat(csv.body()).startsWith("id,seq,occurred_at,").contains("api_token.created")
                .contains(org.owner().email()).doesNotContain(other.owner().email())
                .doesNotContain(created.secret());

        HttpResponse<String> jsonl = get("?format=jsonl&from=2020-01-01T00:00:00Z&to=2999-01-01T00:00:00Z",
                created.secret());
        assertThat(jsonl.statusCode()).isEqualTo(200);
        List<String> lines = jsonl.body().lines().toList();
        assertThat(lines.subList(0, lines.size() - 1)).allMatch(l -> l.startsWith("{\"id\":"));
        assertThat(lines.getLast()).startsWith("{\"export\":{\"rows\":" + (lines.size() - 1) + ",\"filtered\":true");
        assertThat(jsonl.body()).contains("\"action\":\"audit.exported\"");

        assertThat(get("?format=xml", created.secret()).body()).contains("format must be csv or jsonl");
        assertThat(get("?format=xml", created.secret()).statusCode()).isEqualTo(400);
        assertThat(get("?from=yesterday", created.secret()).statusCode()).isEqualTo(400);
        assertThat(get("?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", created.secret()).body())
                .contains("must be after its start");

        orgs.signIn(org.owner());
        tokens.revoke(created.id());
        HttpResponse<String> revoked = get("?format=csv", created.secret());
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(revoked.headers().firstValue("WWW-Authenticate")).hasValue("Bearer error=\"invalid_token\"");
        assertThat(tokens.list()).singleElement().satisfies(t -> assertThat(t.active()).isFalse());
    }

    @Test
    void without_a_live_token_nothing_is_exported_and_members_cannot_issue_tokens() throws Exception {
        assertThat(get("?format=csv", null).statusCode()).isEqualTo(401);
        assertThat(get("?format=csv", "ccat_not-a-real-token").statusCode()).isEqualTo(401);
        Org org = orgs.create(Plan.TEAM, 1);
        HttpResponse<String> withSession = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/audit/export")).header("Cookie", "JSESSIONID=whatever").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withSession.statusCode()).as("a browser session is no credential here").isEqualTo(401);

        orgs.signIn(org.members().getFirst());
        assertThatThrownBy(() -> tokens.create("mine")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> tokens.list()).isInstanceOf(AccessDeniedException.class);
        orgs.signIn(org.owner());
        assertThatThrownBy(() -> tokens.create("   ")).isInstanceOf(ValidationException.class);
        Org stranger = orgs.create(Plan.TEAM, 0);
        ApiTokenService.Created mine = tokens.create("mine");
        orgs.signIn(stranger.owner());
        assertThatThrownBy(() -> tokens.revoke(mine.id())).as("another organization's token is not found")
                .hasMessageContaining("does not exist");
    }
}
