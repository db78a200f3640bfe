package org.connectorconsole;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The image's health check asks this machine only; its answers for a live console are in ImageEntryPointIT. */
class HealthProbeTest {

    @Test
    void refuses_to_call_anything_but_this_machine() {
        // literal addresses: nothing is resolved and nothing is sent
        assertThat(HealthProbe.check("http://10.0.0.1:8080/actuator/health")).isEqualTo(2);
        assertThat(HealthProbe.check("http://[2001:db8::1]:8080/actuator/health")).isEqualTo(2);
        assertThat(HealthProbe.check("file:///etc/passwd")).isEqualTo(2);
    }

    @Test
    void nothing_listening_is_not_healthy() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertThat(HealthProbe.check("http://127.0.0.1:" + closedPort + "/actuator/health/readiness")).isEqualTo(1);
    }
}
