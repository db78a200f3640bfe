package org.connectorconsole.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import testpeers.TestAuthorizationServer;

/**
 * The whole console on a port, with single sign-on through a real OpenID Connect provider in this JVM (Spring
 * Authorization Server on 127.0.0.1), configured with the standard Spring Boot properties and an {@code issuer-uri}
 * (the provider starts first, so the discovery at start-up finds it). Test classes extending this share one
 * console and one provider.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
public abstract class SsoConsole {

    public static final String CLIENT_ID = "connector-console";
    public static final String CLIENT_SECRET = "console-sign-in-secret";
    public static final String PROVIDER_NAME = "Local identity provider";

    protected static final TestAuthorizationServer IDP = new TestAuthorizationServer();
    /** The console ports registered at the provider (one per Spring context these classes run in). */
    private static final java.util.Set<Integer> REGISTERED_PORTS = new java.util.HashSet<>();

    @LocalServerPort
    protected int port;
    @Autowired
    protected TestOrganizations orgs;

    @DynamicPropertySource
    static void ssoProvider(DynamicPropertyRegistry registry) {
        String p = "spring.security.oauth2.client.";
        registry.add(p + "registration.local.client-id", () -> CLIENT_ID);
        registry.add(p + "registration.local.client-secret", () -> CLIENT_SECRET);
        registry.add(p + "registration.local.client-name", () -> PROVIDER_NAME);
        registry.add(p + "registration.local.scope", () -> "openid,email,profile");
        registry.add(p + "registration.local.provider", () -> "local");
        registry.add(p + "provider.local.issuer-uri", IDP::issuer);
    }

    /**
     * Registers the console at the provider once its port is known (redirect URIs must match exactly). The
     * provider is shared by every class here; a class that runs in another context (another port: a different
     * configuration, or a context rebuilt after Spring's cache evicted it) adds its redirect URIs to the same
     * client, rather than finding the client registered for the first class's port only.
     */
    protected void registerAtProvider() {
        synchronized (SsoConsole.class) {
            if (REGISTERED_PORTS.add(port)) {
                String[] redirects = {"http://127.0.0.1:" + port + "/login/oauth2/code/local",
                        "http://localhost:" + port + "/login/oauth2/code/local"};
                var existing = IDP.clients().findByClientId(CLIENT_ID);
                if (existing == null) {
                    IDP.registerSignInClient(CLIENT_ID, CLIENT_SECRET, redirects);
                } else {
                    IDP.clients().save(org.springframework.security.oauth2.server.authorization.client
                            .RegisteredClient.from(existing).redirectUris(uris -> uris.addAll(List.of(redirects)))
                            .build());
                }
            }
        }
    }

    /** Where a browser ends up after signing in through the provider, and the session it then holds. */
    public record SignInResult(String finalLocation, String sessionCookie) {
        public boolean signedIn() {
            return !finalLocation.contains("/login");
        }
    }

    /**
     * Plays a browser through the whole OpenID Connect sign-in: the console's authorization redirect, the
     * provider (which signs the current person in at once), and the console's callback.
     */
    protected SignInResult signInThroughProvider() {
        registerAtProvider();
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "http://127.0.0.1:" + port;
        try {
            HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/oauth2/authorization/local")).GET().build(), HttpResponse.BodyHandlers.ofString());
            String cookie = sessionCookie(start, null);
            String authorize = start.headers().firstValue("location").orElseThrow(
                    () -> new AssertionError("no redirect to the provider: HTTP " + start.statusCode()));
            HttpResponse<String> approved = http.send(HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String callback = approved.headers().firstValue("location").orElseThrow(
                    () -> new AssertionError("the provider did not redirect back: HTTP " + approved.statusCode()
                            + " " + approved.body()));
            HttpResponse<String> back = http.send(HttpRequest.newBuilder(URI.create(callback))
                    .header("Cookie", "JSESSIONID=" + cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
            String location = back.headers().firstValue("location").orElseThrow(
                    () -> new AssertionError("the console did not redirect after the callback: HTTP "
                            + back.statusCode()));
            return new SignInResult(location, sessionCookie(back, cookie));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String sessionCookie(HttpResponse<?> response, String previous) {
        for (String header : response.headers().allValues("set-cookie")) {
            if (header.startsWith("JSESSIONID=")) {
                return header.substring("JSESSIONID=".length(), header.indexOf(';'));
            }
        }
        return previous;
    }
}
