package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** What any HTTP client sees before signing in: health only, security headers, a safe session cookie. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class WebSecurityTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void health_is_public_and_reports_up_without_details() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("postgres").doesNotContain("jdbc");
    }

    @Test
    void no_other_actuator_endpoint_is_reachable() throws Exception {
        for (String path : new String[] {"/actuator", "/actuator/env", "/actuator/beans", "/actuator/heapdump",
                "/actuator/prometheus"}) {
            assertThat(get(path).statusCode()).as(path).isNotEqualTo(200);
        }
    }

    @Test
    void pages_need_a_session_and_lead_to_sign_in() throws Exception {
        for (String path : new String[] {"/", "/account", "/organization/members", "/settings/connectors",
                "/connectors/oauth/callback?code=x&state=y"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).as(path).hasValueSatisfying(
                    location -> assertThat(location).endsWith("/login"));
        }
    }

    /**
     * The session id travels in the cookie only: a URL with {@code ;jsessionid=} ends up in logs, Referer headers
     * and bookmarks. Each path is asked by a client without a cookie (when the container would rewrite URLs), and
     * every redirect is followed by hand; no Location and no page may carry the id.
     */
    @Test
    void no_response_carries_the_session_id_in_a_url() throws Exception {
        for (String start : new String[] {"/", "/login", "/account", "/VAADIN", "/VAADIN/", "/VAADIN/build",
                "/VAADIN/static", "/VAADIN/themes", "/VAADIN/dynamic/resource/0/x/y", "/connectors/oauth/callback",
                "/settings/connectors", "/organization/members", "/oauth/client-metadata.json", "/nothing-here",
                "/actuator/health", "/styles.css"}) {
            String path = start;
            for (int hop = 0; hop < 5 && path != null; hop++) {
                HttpResponse<String> response = get(path);
                String location = response.headers().firstValue("Location").orElse(null);
                assertThat(location).as(start + " → " + path).satisfiesAnyOf(
                        l -> assertThat(l).isNull(), l -> assertThat(l).doesNotContainIgnoringCase("jsessionid"));
                assertThat(response.body()).as(start + " → " + path + " body")
                        .doesNotContainIgnoringCase(";jsessionid=");
                path = location == null ? null : URI.create("http://localhost:" + port + "/").resolve(location)
                        .getRawPath();
            }
        }
    }

    @Test
    void the_client_metadata_document_is_not_offered_without_an_https_address() throws Exception {
        assertThat(get("/oauth/client-metadata.json").statusCode()).isEqualTo(404);
    }

    @Test
    void sign_in_page_carries_security_headers_and_a_safe_cookie() throws Exception {
        HttpResponse<String> login = get("/login");
        assertThat(login.statusCode()).isEqualTo(200);
        var headers = login.headers();
        assertThat(headers.firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("frame-ancestors 'none'").contains("object-src 'none'").contains("default-src 'self'"));
        assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(headers.firstValue("Referrer-Policy")).hasValue("same-origin");
        assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(headers.allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").contains("HttpOnly").contains("Secure").contains("SameSite=Lax"));
    }
}
