package org.connectorconsole.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A browser's session as plain HTTP sees it: the console's own sign-in form posted with its CSRF token, the session
 * cookie kept. For tests that check what a signed-in browser's cookie can (or cannot) do.
 */
public final class SignedInBrowser {

    private static final Pattern META = Pattern.compile("<meta name=\"(_csrf(?:_parameter)?)\" content=\"([^\"]*)\"");

    private final String origin;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public SignedInBrowser(int port) {
        this.origin = "http://127.0.0.1:" + port;
    }

    /** Signs in with {@link TestOrganizations#PASSWORD}; returns the signed-in session's cookie header value. */
    public String signIn(String email) throws Exception {
        HttpResponse<String> page = open("/login", null);
        String cookie = sessionCookie(page);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(origin + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", origin).header("Sec-Fetch-Site", "same-origin").header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(email) + "&password="
                        + enc(TestOrganizations.PASSWORD) + "&" + csrfField(page.body())))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
        String renewed = sessionCookie(signedIn);
        return renewed == null ? cookie : renewed;
    }

    /** A GET with the cookie (or none), redirects not followed. */
    public HttpResponse<String> open(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sessionCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst().orElse(null);
    }

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
        return enc(name) + "=" + enc(value);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
