package org.connectorconsole.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.AUDIT_EVENT;

import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.SignedInBrowser;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The private registry read by a client of the MCP Registry API v0.1 over HTTP on 127.0.0.1: every entry's
 * {@code server} validates against the official server.json schema (with the MCP SDK's JSON Schema validator), the
 * listing pages with {@code cursor}/{@code limit} until {@code nextCursor} is absent, one server is read by its name,
 * disabled and group-scoped connectors are left out, and access is off by default, public, or by token — never by a
 * browser's session.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class PrivateRegistryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    static TestMcpServer mcp;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    RegistrySettingsService registry;
    @Autowired
    DSLContext db;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer();
        for (int i = 0; i < 6; i++) {
            mcp.streamable("/mcp" + i, "server-" + i);
        }
    }

    @AfterAll
    static void stop() {
        mcp.close();
    }

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    @Test
    void a_registry_client_pages_through_schema_valid_entries_of_the_approved_connectors() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        List<Connector> added = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            added.add(connectors.add(new ConnectorForm("Tool server " + i, mcp.url("/mcp" + i), null, null, false)));
        }
        // one disabled, one limited to a group: neither is published
        Connector disabled = added.get(4);
        connectors.setEnabled(disabled.id(), disabled.version(), false);
        db.execute("update connector set audience = 'GROUPS' where id = ?", added.get(5).id().value());
        String base = "/registry/o/" + org.id() + "/v0.1/servers";

        // off by default
        assertThat(get(base, null).statusCode()).isEqualTo(404);

        RegistrySettings settings = registry.current();
        assertThat(settings.access()).isEqualTo(RegistryAccess.OFF);
        assertThat(registry.save(RegistryAccess.PUBLIC, false, settings.version())).isEmpty();

        // page through with limit 3: 4 published servers in 2 pages
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = get(base + "?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            Map<String, Object> list = JSON.readValue(r.body(), MAP);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> servers = (List<Map<String, Object>>) list.get("servers");
            @SuppressWarnings("unchecked")
            Map<String, Object> metadata = (Map<String, Object>) list.get("metadata");
            assertThat(metadata.get("count")).isEqualTo(servers.size());
            all.addAll(servers);
            cursor = (String) metadata.get("nextCursor");
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).isEqualTo(2);
        assertThat(all).hasSize(4);

        DefaultJsonSchemaValidator validator = new DefaultJsonSchemaValidator();
        Map<String, Object> schema = officialSchema();
        List<String> urls = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Map<String, Object> entry : all) {
            @SuppressWarnings("unchecked")
            Map<String, Object> server = (Map<String, Object>) entry.get("server");
            var result = validator.validate(schema, server);
            assertThat(result.valid()).as(result.errorMessage() + " in " + server).isTrue();
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> remotes = (List<Map<String, Object>>) server.get("remotes");
            assertThat(remotes).singleElement().satisfies(remote ->
                    assertThat(remote.get("type")).isEqualTo("streamable-http"));
            urls.add((String) remotes.getFirst().get("url"));
            names.add((String) server.get("name"));
        }
        assertThat(urls).containsExactlyInAnyOrder(mcp.url("/mcp0"), mcp.url("/mcp1"), mcp.url("/mcp2"),
                mcp.url("/mcp3"));
        assertThat(names).doesNotHaveDuplicates();
        // the validator does check: an entry without a description is refused
        @SuppressWarnings("unchecked")
        Map<String, Object> broken = new LinkedHashMap<>((Map<String, Object>) all.getFirst().get("server"));
        broken.remove("description");
        assertThat(validator.validate(schema, broken).valid()).isFalse();
        broken.put("description", "x");
        broken.put("name", "no-slash");
        assertThat(validator.validate(schema, broken).valid()).isFalse();

        // one server by its name, latest version
        HttpResponse<String> one = get(base + "/" + names.getFirst() + "/versions/latest", null);
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        Map<String, Object> latest = JSON.readValue(one.body(), MAP);
        @SuppressWarnings("unchecked")
        Map<String, Object> latestServer = (Map<String, Object>) latest.get("server");
        assertThat(latestServer.get("name")).isEqualTo(names.getFirst());
        assertThat(validator.validate(schema, latestServer).valid()).isTrue();
        assertThat(get(base + "/" + names.getFirst() + "/versions", null).statusCode()).isEqualTo(200);
        assertThat(get(base + "/" + names.getFirst() + "/versions/9.9.9", null).statusCode()).isEqualTo(404);
        assertThat(get(base + "/com.example/unknown/versions/latest", null).statusCode()).isEqualTo(404);
        assertThat(get(base + "?cursor=not-ours!", null).statusCode()).isEqualTo(400);
        assertThat(get(base + "?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(post(base).statusCode()).as("read-only").isIn(401, 403, 405);
    }

    @Test
    void a_token_registry_needs_its_token_and_never_takes_a_browser_session() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        orgs.signIn(org.owner());
        connectors.add(new ConnectorForm("Only one", mcp.url("/mcp0"), null, null, false));
        String token = registry.save(RegistryAccess.TOKEN, false, registry.current().version()).orElseThrow();
        TestOrganizations.signOut();
        String base = "/registry/o/" + org.id() + "/v0.1/servers";

        assertThat(get(base, null).statusCode()).isEqualTo(401);
        assertThat(get(base, "ccreg_wrong").statusCode()).isEqualTo(401);
        String session = new SignedInBrowser(port).signIn(org.owner().email());
        HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(URI.create(origin() + base))
                .header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withCookie.statusCode()).isEqualTo(401);
        HttpResponse<String> withToken = get(base, token);
        assertThat(withToken.statusCode()).isEqualTo(200);
        assertThat(withToken.body()).contains(mcp.url("/mcp0"));
        // another organization's address with this token: not found
        Org other = orgs.create(Plan.TEAM, 0);
        assertThat(get("/registry/o/" + other.id() + "/v0.1/servers", token).statusCode()).isEqualTo(404);

        // a new token replaces the old one; switching off answers 404 again
        orgs.signIn(org.owner());
        String replaced = registry.save(RegistryAccess.TOKEN, true, registry.current().version()).orElseThrow();
        assertThat(get(base, token).statusCode()).isEqualTo(401);
        assertThat(get(base, replaced).statusCode()).isEqualTo(200);
        registry.save(RegistryAccess.OFF, false, registry.current().version());
        assertThat(get(base, replaced).statusCode()).isEqualTo(404);
        assertThat(db.fetchCount(AUDIT_EVENT, AUDIT_EVENT.ORG_ID.eq(org.id())
                        .and(AUDIT_EVENT.ACTION.eq("registry.settings_changed"))))
                .isEqualTo(3);
    }

    // ---------------------------------------------------------------- plumbing

    private String origin() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Accept", "application/json").GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Object> officialSchema() throws Exception {
        try (InputStream in = PrivateRegistryTest.class.getResourceAsStream("server.schema.json")) {
            return JSON.readValue(in, MAP);
        }
    }
}
