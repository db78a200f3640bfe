package org.connectorconsole.base;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Links the console hands out (invitations, redirect URIs) use the configured address, not a request's Host. */
class PublicAddressTest {

    @AfterEach
    void noRequest() {
        RequestContextHolder.resetRequestAttributes();
    }

    private static void requestWithHost(String host) {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setScheme("http");
        request.setServerName(host);
        request.setServerPort(80);
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
    }

    @Test
    void the_configured_public_url_wins_over_a_forged_host_header() {
        requestWithHost("attacker.example");
        assertThat(new PublicAddress("https://console.example.com/", new MockEnvironment()).base())
                .isEqualTo("https://console.example.com");
    }

    @Test
    void without_a_configured_url_the_request_origin_is_used_as_in_development() {
        requestWithHost("localhost");
        assertThat(new PublicAddress("", new MockEnvironment()).base()).isEqualTo("http://localhost");
    }
}
