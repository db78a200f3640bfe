package org.connectorconsole.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, "no failed call": a kept connection the server closed while it sat in the pool never carries the next
 * request (decision 0077). Each test waits for the exact moment the server closed the idle connection, then sends
 * through egress: without the fix the request went out on the dead connection and failed ("Connection reset",
 * "failed to respond").
 */
class KeptConnectionsTest {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final byte[] CALL = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}".getBytes();

    private static EgressClient egress() {
        return new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    private static int call(EgressClient egress, KeptConnectionServer server) throws IOException {
        return egress.send("POST", server.uri(), JSON, CALL, Duration.ofSeconds(30)).status();
    }

    @Test
    void a_connection_closed_as_advertised_is_not_reused() throws Exception {
        // says 2 s, closes after 1.5 s idle: its clock started when it wrote, before ours (and Node closes at N)
        try (KeptConnectionServer server = new KeptConnectionServer(Duration.ofMillis(1500), 2, true);
                EgressClient egress = egress()) {
            assertThat(call(egress, server)).isEqualTo(200);
            assertThat(server.closed().poll(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(call(egress, server)).isEqualTo(200);
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void a_connection_closed_without_notice_is_found_stale_before_the_request_is_written() throws Exception {
        try (KeptConnectionServer server = new KeptConnectionServer(Duration.ofMillis(1000), null, true);
                EgressClient egress = egress()) {
            assertThat(call(egress, server)).isEqualTo(200);
            assertThat(server.closed().poll(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(call(egress, server)).isEqualTo(200);
            assertThat(server.requests()).isEqualTo(2);
            assertThat(server.connections()).isEqualTo(2);
        }
    }

    @Test
    void a_connection_the_server_keeps_is_reused() throws Exception {
        try (KeptConnectionServer server = new KeptConnectionServer(Duration.ofSeconds(60), 60, true);
                EgressClient egress = egress()) {
            for (int i = 0; i < 5; i++) {
                assertThat(call(egress, server)).isEqualTo(200);
            }
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void an_expired_connection_is_closed_in_the_background() throws Exception {
        // says nothing, keeps it 60 s: egress keeps it 4 s, and its evictor closes it within 5 s after that
        try (KeptConnectionServer server = new KeptConnectionServer(Duration.ofSeconds(60), null, true);
                EgressClient egress = egress()) {
            assertThat(call(egress, server)).isEqualTo(200);
            assertThat(server.closedByClient().poll(30, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(server.closed()).isEmpty();
        }
    }

    @Test
    void a_request_that_reached_the_server_is_never_sent_again() throws Exception {
        try (KeptConnectionServer server = new KeptConnectionServer(Duration.ofSeconds(60), null, false);
                EgressClient egress = egress()) {
            assertThatThrownBy(() -> call(egress, server)).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(EgressFailures.describe(e))
                            .hasValue("The server closed the connection without answering."));
            assertThat(server.requests()).isEqualTo(1);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void how_long_a_connection_is_kept() {
        assertThat(keptFor("timeout=5")).isEqualTo(Duration.ofSeconds(4));
        assertThat(keptFor("timeout=5, max=100")).isEqualTo(Duration.ofSeconds(4));
        assertThat(keptFor("max=100, Timeout=1")).isEqualTo(Duration.ofMillis(500));
        assertThat(keptFor("timeout=0")).isEqualTo(Duration.ZERO);
        assertThat(keptFor("timeout=3600")).isEqualTo(KeptConnections.LONGEST);
        assertThat(keptFor("timeout=soon")).isEqualTo(KeptConnections.UNADVERTISED);
        assertThat(keptFor(null)).isEqualTo(KeptConnections.UNADVERTISED);
    }

    @Test
    void only_a_refused_connection_counts_as_never_sent() {
        assertThat(KeptConnections.neverSent(new java.net.ConnectException("refused"))).isTrue();
        assertThat(KeptConnections.neverSent(new java.net.SocketException("Connection reset"))).isFalse();
        assertThat(KeptConnections.neverSent(new org.apache.hc.core5.http.NoHttpResponseException("no answer")))
                .isFalse();
        assertThat(KeptConnections.neverSent(new java.net.SocketTimeoutException("slow"))).isFalse();
    }

    private static Duration keptFor(String keepAlive) {
        BasicHttpResponse response = new BasicHttpResponse(200);
        if (keepAlive != null) {
            response.addHeader("Keep-Alive", keepAlive);
        }
        return KeptConnections.keepFor(response).toDuration();
    }
}
