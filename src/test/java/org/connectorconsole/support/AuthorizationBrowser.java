package org.connectorconsole.support;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plays the member's browser at an authorization server that approves at once: opens the authorization URL and
 * reads where the server sends the browser back (the callback with code, state and maybe iss).
 */
public final class AuthorizationBrowser {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private AuthorizationBrowser() {
    }

    /**
     * Connects the signed-in member the whole way: starts the flow, lets the server approve, and hands its answer
     * to the callback as the console's controller would.
     */
    public static org.connectorconsole.connection.CallbackOutcome connect(
            org.connectorconsole.connection.ConnectionService connections,
            org.connectorconsole.connector.ConnectorId connectorId, String returnTo) throws Exception {
        Map<String, String> back = approve(connections.connect(connectorId, returnTo).authorizationUrl());
        return connections.complete(back.get("state"), back.get("code"), back.get("iss"), back.get("error"),
                back.get("error_description"));
    }

    /** The query parameters of the redirect back to the console. */
    public static Map<String, String> approve(String authorizationUrl) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(authorizationUrl)).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            String location = response.headers().firstValue("location").orElseThrow(() -> new AssertionError(
                    "the authorization server did not redirect back (HTTP " + response.statusCode() + "): "
                            + response.body()));
            return query(URI.create(location));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public static Map<String, String> query(URI uri) {
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        params.put("_path", uri.getPath());
        return params;
    }
}
