package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Login CSRF: a page on another site must not be able to sign a visitor's browser in (to an account of the
 * attacker's choosing) by posting the sign-in form. Played over real HTTP the way a browser does it: the sign-in
 * form's page carries the CSRF token in meta tags, and the login form posts it with the credentials.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
@ActiveProfiles("test")
class LoginCsrfTest {

    private static final Pattern META = Pattern.compile("<meta name=\"(_csrf(?:_parameter)?)\" content=\"([^\"]*)\"");
    private static final String FOREIGN_ORIGIN = "https://attacker.example";

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void a_cross_site_sign_in_post_without_a_csrf_token_is_refused_and_signs_nobody_in() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        HttpResponse<String> response = postLogin(null, form(org.owner().email(), TestOrganizations.PASSWORD, null),
                FOREIGN_ORIGIN, "cross-site");
        assertThat(response.statusCode()).as("status of a cross-site sign-in post").isEqualTo(403);
        assertThat(signedIn(sessionCookie(response))).as("the browser is signed in").isFalse();
    }

    @Test
    void a_sign_in_post_without_a_csrf_token_is_refused_even_from_this_origin() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        String session = sessionCookie(get("/login", null)).orElseThrow();
        HttpResponse<String> response = postLogin(session, form(org.owner().email(), TestOrganizations.PASSWORD,
                null), origin(), "same-origin");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(signedIn(Optional.of(session))).isFalse();
    }

    @Test
    void a_sign_in_post_with_the_token_but_from_another_site_is_refused() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        HttpResponse<String> page = get("/login", null);
        String session = sessionCookie(page).orElseThrow();
        HttpResponse<String> response = postLogin(session, form(org.owner().email(), TestOrganizations.PASSWORD,
                csrfField(page.body())), FOREIGN_ORIGIN, "cross-site");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(signedIn(Optional.of(session))).isFalse();
    }

    @Test
    void the_sign_in_form_as_a_browser_posts_it_still_signs_in() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        HttpResponse<String> page = get("/login", null);
        String session = sessionCookie(page).orElseThrow();
        HttpResponse<String> response = postLogin(session, form(org.owner().email(), TestOrganizations.PASSWORD,
                csrfField(page.body())), origin(), "same-origin");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).doesNotContain("error"));
        Optional<String> signedInSession = sessionCookie(response).or(() -> Optional.of(session));
        assertThat(signedIn(signedInSession)).isTrue();
    }

    @Test
    void a_wrong_password_from_the_real_form_still_says_so() throws Exception {
        Org org = orgs.create(Plan.TEAM, 0);
        HttpResponse<String> page = get("/login", null);
        String session = sessionCookie(page).orElseThrow();
        HttpResponse<String> response = postLogin(session, form(org.owner().email(), "not-the-password",
                csrfField(page.body())), origin(), "same-origin");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/login?error"));
    }

    private String origin() {
        return "http://127.0.0.1:" + port;
    }

    private static String form(String email, String password, String csrfField) {
        String body = "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return csrfField == null ? body : body + "&" + csrfField;
    }

    /** The token as the login form sends it: the field named by one meta tag, with the value of the other. */
    private static String csrfField(String page) {
        String name = null;
        String value = null;
        Matcher m = META.matcher(page);
        while (m.find()) {
            if (m.group(1).equals("_csrf_parameter")) {
                name = m.group(2);
            } else {
                value = m.group(2);
            }
        }
        assertThat(name).as("the sign-in page names its CSRF parameter in a meta tag").isNotNull();
        assertThat(value).as("the sign-in page carries a CSRF token in a meta tag").isNotNull();
        return URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> postLogin(String session, String body, String origin, String fetchSite)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin)
                .header("Sec-Fetch-Site", fetchSite)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Cookie", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String session) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin() + path)).GET();
        if (session != null) {
            request.header("Cookie", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether the session opens a page that needs a signed-in person (rather than being sent to sign in). */
    private boolean signedIn(Optional<String> session) throws Exception {
        if (session.isEmpty()) {
            return false;
        }
        HttpResponse<String> account = get("/account", session.get());
        return account.statusCode() == 200;
    }

    /** The session cookie a response sets, as a Cookie header value (sent by hand: it is Secure, this is http). */
    private static Optional<String> sessionCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst();
    }
}
