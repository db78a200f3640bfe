package org.connectorconsole;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container image's health check ({@code java -cp @/app/jib-classpath-file org.connectorconsole.HealthProbe
 * http://127.0.0.1:8080/actuator/health/readiness}): exit 0 when the console on this machine answers 200, 1
 * otherwise. The image carries a JRE and no curl or wget, so the check is this small class. It calls only
 * loopback addresses: it is the console asking itself, never a way out (the egress policy governs those).
 */
public final class HealthProbe {

    private HealthProbe() {
    }

    public static void main(String[] args) {
        System.exit(check(args.length == 1 ? args[0] : "http://127.0.0.1:8080/actuator/health/readiness"));
    }

    static int check(String url) {
        try {
            URI uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null
                    || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                System.err.println("The health probe calls only this machine (http://127.0.0.1:PORT/...): " + url);
                return 2;
            }
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(8)).GET().build(), HttpResponse.BodyHandlers.ofString());
                System.out.println(response.statusCode() + " " + response.body());
                return response.statusCode() == 200 ? 0 : 1;
            }
        } catch (Exception e) {
            System.err.println("Not healthy: " + e);
            return 1;
        }
    }
}
