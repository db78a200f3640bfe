package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.BulkRows;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.authentication.configuration.AuthenticationConfiguration;
import org.springframework.test.context.ActiveProfiles;

/**
 * The Prometheus endpoint: closed to anonymous callers and to a wrong credential, open to the scraper's, serving
 * the console's own meters (sign-ins by outcome, connections by state) beside the JVM's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "console.metrics.token=" + MetricsEndpointTest.CREDENTIAL)
@ActiveProfiles("test")
class MetricsEndpointTest {

    static final String CREDENTIAL = "scrape-credential-for-the-metrics-test";

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    AuthenticationConfiguration authenticationConfiguration;
    @Autowired
    org.jooq.DSLContext db;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @AfterEach
    void signOut() {
        TestOrganizations.signOut();
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/actuator/prometheus")).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void an_anonymous_or_wrong_scrape_is_refused_without_creating_a_session() throws Exception {
        for (String authorization : new String[] {null, "Bearer wrong-" + CREDENTIAL, "Basic " + CREDENTIAL,
                "Bearer " + CREDENTIAL.substring(1)}) {
            HttpResponse<String> refused = scrape(authorization);
            assertThat(refused.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(refused.body()).doesNotContain("jvm_").contains("CONSOLE_METRICS_TOKEN");
            assertThat(refused.headers().allValues("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void the_scraper_reads_the_consoles_own_metrics_with_its_credential() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        AuthenticationManager manager = authenticationConfiguration.getAuthenticationManager();
        manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(org.owner().email(),
                TestOrganizations.PASSWORD));
        try {
            manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(org.owner().email(),
                    "not the password"));
        } catch (RuntimeException expected) {
            // a failed sign-in, counted
        }

        // two connected and one failing connection of the owner's, straight in the database
        BulkRows.connectors(db, org, 3);
        db.execute("insert into connection (id, org_id, connector_id, user_id, status, issuer, client_id, auth_method, "
                + "scope, connected_at, updated_at) select gen_random_uuid(), org_id, id, ?, case row_number() over "
                + "(order by id) when 3 then 'FAILING' else 'CONNECTED' end, 'https://as.example', 'c', 'none', '', "
                + "now(), now() from connector where org_id = ?", org.owner().id().value(), org.id().value());
        long connected = db.fetchCount(db.selectFrom("connection where status = 'CONNECTED'"));
        long failing = db.fetchCount(db.selectFrom("connection where status = 'FAILING'"));
        assertThat(connected).isGreaterThanOrEqualTo(2);

        HttpResponse<String> metrics = scrape("Bearer " + CREDENTIAL);

        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(metrics.body())
                .containsPattern("console_sign_ins_total\\{[^}]*outcome=\"succeeded\"[^}]*} [1-9]")
                .containsPattern("console_sign_ins_total\\{[^}]*outcome=\"bad_credentials\"[^}]*} [1-9]")
                .containsPattern("console_connections\\{[^}]*state=\"connected\"[^}]*} " + connected + "\\.0\\b")
                .containsPattern("console_connections\\{[^}]*state=\"failing\"[^}]*} " + failing + "\\.0\\b")
                .contains("jvm_memory_used_bytes")
                .contains("hikaricp_connections");
    }
}
