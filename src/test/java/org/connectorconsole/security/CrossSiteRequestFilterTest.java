package org.connectorconsole.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** Which requests the browser marks as coming from another site, as {@link CrossSiteRequestFilter} reads them. */
class CrossSiteRequestFilterTest {

    private static MockHttpServletRequest post(String host, String origin, String fetchSite) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.addHeader("Host", host);
        if (origin != null) {
            request.addHeader("Origin", origin);
        }
        if (fetchSite != null) {
            request.addHeader("Sec-Fetch-Site", fetchSite);
        }
        return request;
    }

    @Test
    void the_browsers_own_verdict_decides_when_it_is_sent() {
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", null, "same-origin"))).isFalse();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", null, "none"))).isFalse();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", null, "cross-site"))).isTrue();
        // a sibling host of the same site is another origin all the same
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", null, "same-site"))).isTrue();
        // the header cannot be forged by a page, so it wins over a matching Origin
        assertThat(CrossSiteRequestFilter.fromAnotherSite(
                post("console.example", "https://console.example", "cross-site"))).isTrue();
    }

    @Test
    void without_it_the_origin_must_name_the_host_the_request_was_sent_to() {
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", "https://console.example", null)))
                .isFalse();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(
                post("console.example:443", "https://console.example", null))).isFalse();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("127.0.0.1:8080", "http://127.0.0.1:8080", null)))
                .isFalse();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", "https://CONSOLE.example", null)))
                .isFalse();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", "https://attacker.example", null)))
                .isTrue();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("127.0.0.1:8080", "http://127.0.0.1:9090", null)))
                .isTrue();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", "null", null))).isTrue();
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", "not a url", null))).isTrue();
    }

    @Test
    void clients_that_send_neither_header_are_left_to_the_csrf_token() {
        assertThat(CrossSiteRequestFilter.fromAnotherSite(post("console.example", null, null))).isFalse();
    }
}
