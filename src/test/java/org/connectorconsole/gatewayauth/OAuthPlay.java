package org.connectorconsole.gatewayauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.connectorconsole.support.AuthorizationBrowser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An MCP client and its member's browser, played over plain HTTP against the console on 127.0.0.1: registration,
 * sign-in through the console's own form (with its CSRF token), the authorization request, the consent answer (the
 * form the consent page posts) and token requests, as a client and a browser send them.
 */
final class OAuthPlay {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern META = Pattern.compile("<meta name=\"(_csrf(?:_parameter)?)\" content=\"([^\"]*)\"");

    final String origin;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    OAuthPlay(int port) {
        this.origin = "http://127.0.0.1:" + port;
    }

    // ------------------------------------------------------------------ client side

    JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path, null);
        assertThat(r.statusCode()).as("GET " + path).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    HttpResponse<String> register(String body, String forwardedFrom) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + "/oauth2/register"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    String registerPublicClient(String name, String redirectUri) throws Exception {
        HttpResponse<String> r = register("""
                {"client_name":"%s","redirect_uris":["%s"],"token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code","refresh_token"],"response_types":["code"]}
                """.formatted(name, redirectUri), null);
        assertThat(r.statusCode()).as("registration: " + r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("client_id").asString();
    }

    static String verifier() {
        byte[] bytes = new byte[48];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String authorizeQuery(Map<String, String> params) {
        StringBuilder q = new StringBuilder("/oauth2/authorize?");
        params.forEach((k, v) -> {
            if (v != null) {
                q.append(enc(k)).append('=').append(enc(v)).append('&');
            }
        });
        return q.substring(0, q.length() - 1);
    }

    static Map<String, String> authorizeParams(String clientId, String redirectUri, String verifier, String resource) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", clientId);
        p.put("redirect_uri", redirectUri);
        p.put("state", "client-state-1");
        p.put("code_challenge", challenge(verifier));
        p.put("code_challenge_method", "S256");
        p.put("resource", resource);
        return p;
    }

    HttpResponse<String> token(Map<String, String> form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> revoke(String token, String clientId) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/revoke"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token, "client_id", clientId))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------ browser side

    /** A browser session signed in to the console with the console's own sign-in form. */
    final class BrowserSession {
        String cookie;

        BrowserSession(String email, String password) throws Exception {
            HttpResponse<String> page = get("/login", null);
            cookie = sessionCookie(page).orElseThrow();
            HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(origin + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Origin", origin).header("Sec-Fetch-Site", "same-origin").header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.ofString("username=" + enc(email) + "&password=" + enc(password)
                            + "&" + csrfField(page.body())))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(signedIn.statusCode()).isEqualTo(302);
            assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
            cookie = sessionCookie(signedIn).orElse(cookie);
        }

        HttpResponse<String> open(String pathAndQuery) throws Exception {
            HttpResponse<String> r = get(pathAndQuery, cookie);
            cookie = sessionCookie(r).orElse(cookie);
            return r;
        }

        HttpResponse<String> answerConsent(String clientId, String state, String decision) throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(origin + "/oauth2/authorize"))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("client_id", clientId, "state", state,
                            "decision", decision))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            cookie = sessionCookie(r).orElse(cookie);
            return r;
        }

        /** Runs the browser part: authorize, consent if asked, and returns the query the client receives. */
        Map<String, String> authorize(Map<String, String> params, boolean expectConsent) throws Exception {
            HttpResponse<String> r = open(authorizeQuery(params));
            assertThat(r.statusCode()).as("authorize: " + r.body()).isEqualTo(302);
            URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
            Map<String, String> q = AuthorizationBrowser.query(location);
            if (expectConsent) {
                assertThat(q.get("_path")).as("sent to the consent page: " + q).isEqualTo("/oauth2/consent");
                HttpResponse<String> answered = answerConsent(params.get("client_id"), q.get("state"), "allow");
                assertThat(answered.statusCode()).as("consent: " + answered.body()).isEqualTo(302);
                q = AuthorizationBrowser.query(URI.create(answered.headers().firstValue("Location").orElseThrow()));
            }
            return q;
        }
    }

    // ------------------------------------------------------------------ plumbing

    HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin + path)).GET();
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> {
            if (v != null) {
                b.append(b.isEmpty() ? "" : "&").append(enc(k)).append('=').append(enc(v));
            }
        });
        return b.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
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

    private static Optional<String> sessionCookie(HttpResponse<?> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst();
    }
}
