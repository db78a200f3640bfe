package org.connectorconsole.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SSRF corpus: every case is refused with a reason, and no connection is made. Cases that would reach this
 * machine if wrongly allowed are sent for real, at a listener on 127.0.0.1 that must see no connection. Cases
 * whose target is another network's address go through the same checks the HTTP client runs before connecting
 * (URL policy, then resolution and address check), so the test itself never sends traffic off this machine.
 */
class SsrfCorpusTest {

    static ServerSocket listener;
    static final AtomicInteger connections = new AtomicInteger();
    static int port;

    /** Test DNS: names that resolve to places they must not lead to (no real DNS involved). */
    static final Map<String, String[]> DNS = Map.of(
            "loop.test", new String[] {"127.0.0.1"},
            "loop6.test", new String[] {"::1"},
            "rebind.test", new String[] {"93.184.216.34", "127.0.0.1"},
            "internal.test", new String[] {"10.0.0.5"},
            "metadata.test", new String[] {"169.254.169.254"},
            "v6internal.test", new String[] {"fd12:3456::1"},
            "cgnat.test", new String[] {"100.64.1.1"},
            "mapped.test", new String[] {"::ffff:192.168.1.1"},
            "public.test", new String[] {"93.184.216.34"});

    static final HostResolver TEST_DNS = host -> {
        String[] addresses = DNS.get(host);
        if (addresses == null) {
            return InetAddress.getAllByName(host); // IP literals only: getAllByName parses them, no look-up
        }
        InetAddress[] result = new InetAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            result[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses[i]).getAddress());
        }
        return result;
    };

    static EgressClient production;

    @BeforeAll
    static void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        port = listener.getLocalPort();
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try (Socket s = listener.accept()) {
                    connections.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        });
        production = new EgressClient(EgressSettings.DEFAULTS, Set.of(), TEST_DNS);
    }

    @AfterAll
    static void close() throws IOException {
        listener.close();
        production.close();
        assertThat(connections.get()).as("connections the policy let through").isZero();
    }

    /** Targets on this machine, written in every way that reaches it. Sent for real. */
    static Stream<String> toThisMachine() {
        return Stream.of(
                "https://127.0.0.1:%d/", "https://127.0.0.2:%d/", "https://127.255.255.254:%d/",
                "https://localhost:%d/", "https://localhost.:%d/", "https://LOCALHOST:%d/",
                "https://mcp.localhost:%d/", "https://[::1]:%d/", "https://[0:0:0:0:0:0:0:1]:%d/",
                "https://[::ffff:127.0.0.1]:%d/", "https://[::ffff:7f00:1]:%d/", "https://[::127.0.0.1]:%d/",
                "https://[64:ff9b::7f00:1]:%d/", "https://[2002:7f00:1::1]:%d/",
                "https://2130706433:%d/", "https://0x7f000001:%d/", "https://0x7f.0.0.1:%d/",
                "https://0177.0.0.1:%d/", "https://017700000001:%d/", "https://127.1:%d/", "https://127.0.1:%d/",
                "https://0:%d/", "https://0.0.0.0:%d/", "https://[::]:%d/",
                "https://loop.test:%d/", "https://loop6.test:%d/", "https://rebind.test:%d/",
                "http://127.0.0.1:%d/", "http://localhost:%d/mcp", "https://user:pw@127.0.0.1:%d/",
                "https://127.0.0.1:%d/#fragment")
                .map(url -> String.format(url, port));
    }

    @ParameterizedTest
    @MethodSource("toThisMachine")
    void requests_to_this_machine_are_refused_before_connecting(String url) {
        int before = connections.get();
        assertThatThrownBy(() -> production.send("GET", URI.create(url), Map.of(), null, null))
                .isInstanceOf(EgressRefusedException.class)
                .satisfies(e -> assertThat(e.getMessage()).as("a reason a person can read").hasSizeGreaterThan(20));
        assertThat(connections.get()).isEqualTo(before);
    }

    /** Other networks' addresses: checked exactly as the client checks before connecting, never sent. */
    static Stream<Arguments> toOtherNetworks() {
        return Stream.of(
                Arguments.of("https://10.0.0.1/", "private"), Arguments.of("https://10.255.255.255/", "private"),
                Arguments.of("https://172.16.0.1/", "private"), Arguments.of("https://172.31.255.255/", "private"),
                Arguments.of("https://192.168.0.1/", "private"), Arguments.of("https://192.168.255.254/", "private"),
                Arguments.of("https://169.254.169.254/latest/meta-data/", "link-local"),
                Arguments.of("https://169.254.0.1/", "link-local"),
                Arguments.of("https://100.64.0.1/", "carrier-grade NAT"),
                Arguments.of("https://100.127.255.254/", "carrier-grade NAT"),
                Arguments.of("https://198.18.0.1/", "benchmarking"), Arguments.of("https://198.19.255.255/", "benchmarking"),
                Arguments.of("https://224.0.0.1/", "multicast"), Arguments.of("https://239.255.255.250/", "multicast"),
                Arguments.of("https://255.255.255.255/", "broadcast"), Arguments.of("https://240.0.0.1/", "reserved"),
                Arguments.of("https://192.0.2.1/", "documentation"), Arguments.of("https://198.51.100.1/", "documentation"),
                Arguments.of("https://203.0.113.1/", "documentation"), Arguments.of("https://192.0.0.170/", "IETF"),
                Arguments.of("https://[fe80::1]/", "link-local"), Arguments.of("https://[fc00::1]/", "unique-local"),
                Arguments.of("https://[fd00:ec2::254]/", "unique-local"), Arguments.of("https://[ff02::1]/", "multicast"),
                Arguments.of("https://[::ffff:10.0.0.1]/", "is a private address (10.0.0.0/8"),
                Arguments.of("https://[::ffff:169.254.169.254]/", "link-local"),
                Arguments.of("https://[64:ff9b::a9fe:a9fe]/", "NAT64"),
                Arguments.of("https://[2002:a9fe:a9fe::1]/", "6to4"), Arguments.of("https://[2001::1]/", "Teredo"),
                Arguments.of("https://[2001:db8::1]/", "documentation"), Arguments.of("https://[fec0::1]/", "site-local"),
                Arguments.of("https://internal.test/mcp", "private"), Arguments.of("https://metadata.test/", "link-local"),
                Arguments.of("https://v6internal.test/", "unique-local"), Arguments.of("https://cgnat.test/", "carrier-grade"),
                Arguments.of("https://mapped.test/", "192.168.1.1, which is a private"),
                Arguments.of("https://169.254.169.254.:443/", "host name"));
    }

    @ParameterizedTest
    @MethodSource("toOtherNetworks")
    void other_networks_addresses_are_refused_with_the_reason(String url, String reasonMentions) {
        URI uri;
        try {
            uri = production.checkedUri(URI.create(url));
        } catch (EgressRefusedException e) {
            assertThat(e.getMessage()).containsIgnoringCase(reasonMentions);
            return;
        }
        assertThatThrownBy(() -> production.resolveChecked(uri.getHost()))
                .isInstanceOf(EgressRefusedException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase(reasonMentions));
    }

    /** URLs refused for their shape, before any name is looked up. */
    static Stream<Arguments> badShapes() {
        return Stream.of(
                Arguments.of("ftp://example.com/", "Only https"), Arguments.of("file:///etc/passwd", "Only https"),
                Arguments.of("gopher://example.com/", "Only https"), Arguments.of("javascript:alert(1)", "Only https"),
                Arguments.of("http://example.com/", "http://"), Arguments.of("https://user:pass@example.com/", "user name"),
                Arguments.of("https://example.com@10.0.0.1/", "user name"), Arguments.of("https://example.com/#x", "fragment"),
                Arguments.of("/mcp", "full URL"), Arguments.of("", "Enter"), Arguments.of("https://", "not a valid URL"),
                Arguments.of("https://exa mple.com/", "spaces"), Arguments.of("https://example.com:0/", "port"),
                Arguments.of("https://example.com:99999/", "port"), Arguments.of("https://exa_mple.com/", "host"),
                Arguments.of("https://" + "a".repeat(2100) + ".com/", "at most"));
    }

    @ParameterizedTest
    @MethodSource("badShapes")
    void malformed_or_unsafe_urls_are_refused_with_the_reason(String url, String reasonMentions) {
        EgressPolicy.UrlCheck check = production.policy().checkUrl(url);
        assertThat(check.ok()).isFalse();
        assertThat(check.problem()).containsIgnoringCase(reasonMentions);
    }

    /**
     * Development mode lets the console call this machine as localhost, 127.0.0.1 or [::1]; an IPv6 spelling that
     * carries a loopback or private IPv4 address is judged as written and refused, with the policy's reason (the
     * JDK reads [::ffff:127.0.0.1] as plain 127.0.0.1, which once let it through to a parser that failed later).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"https://[::ffff:127.0.0.1]:9/token",
        "http://[::ffff:127.0.0.1]:9/token", "https://[::ffff:7f00:1]/token", "https://[::ffff:10.0.0.1]/token"})
    void ipv6_spellings_of_loopback_or_private_addresses_are_refused_even_in_development(String url) {
        EgressPolicy development = new EgressPolicy(true);
        EgressPolicy.UrlCheck check = development.checkUrl(url);
        assertThat(check.ok()).as(url).isFalse();
        assertThat(check.problem()).contains("IPv4-mapped address carrying").contains("never calls");
        assertThat(development.checkUrl("https://[::ffff:93.184.216.34]/token").uri())
                .as("one spelling of a public mapped address, which every later parser reads alike")
                .hasToString("https://[::ffff:5db8:d822]/token");
    }

    @Test
    void public_addresses_and_plain_names_pass() throws UnknownHostException {
        assertThat(production.policy().checkUrl("https://MCP.Example.com:443/mcp").uri())
                .hasToString("https://mcp.example.com/mcp");
        assertThat(production.policy().checkUrl("https://example.com").uri()).hasToString("https://example.com/");
        assertThat(production.resolveChecked("public.test")).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
        assertThat(production.resolveChecked("[2606:4700::1]")).hasSize(1);
        assertThat(production.resolveChecked("[::ffff:93.184.216.34]")).as("a mapped public address is public")
                .hasSize(1);
    }

    @Test
    void an_owner_may_allow_a_named_private_host_but_never_metadata_or_loopback() throws UnknownHostException {
        try (EgressClient allowing = new EgressClient(EgressSettings.DEFAULTS,
                Set.of("internal.test", "metadata.test", "loop.test"), TEST_DNS)) {
            assertThat(allowing.resolveChecked("internal.test")).extracting(InetAddress::getHostAddress)
                    .containsExactly("10.0.0.5");
            assertThatThrownBy(() -> allowing.resolveChecked("metadata.test"))
                    .hasMessageContaining("link-local");
            assertThatThrownBy(() -> allowing.resolveChecked("loop.test")).hasMessageContaining("loopback");
            assertThatThrownBy(() -> allowing.resolveChecked("10.0.0.5")).as("the address itself is not the name")
                    .hasMessageContaining("Private hosts");
        }
        assertThat(EgressPolicy.privateHostProblem("10.0.0.5")).isPresent();
        assertThat(EgressPolicy.privateHostProblem("localhost")).isPresent();
        assertThat(EgressPolicy.privateHostProblem("https://intranet.example/")).isPresent();
        assertThat(EgressPolicy.privateHostProblem("mcp.intranet.example")).isEmpty();
    }

    @Test
    void redirects_are_never_followed_even_to_an_allowed_place() throws IOException {
        try (TestMcpServer server = new TestMcpServer();
                EgressClient development = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(),
                        TEST_DNS)) {
            server.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
                    .redirect("/to-listener", "http://127.0.0.1:" + port + "/");
            int before = connections.get();
            for (String path : List.of("/to-metadata", "/to-listener")) {
                EgressResponse response = development.get(URI.create(server.url(path)), Map.of());
                assertThat(response.status()).isEqualTo(302);
                assertThat(response.isRedirect()).isTrue();
            }
            assertThat(connections.get()).as("the redirect target saw nothing").isEqualTo(before);
        }
    }

    @Test
    void oversized_responses_are_cut_off() throws IOException {
        try (TestMcpServer server = new TestMcpServer();
                EgressClient small = new EgressClient(new EgressSettings(true, EgressSettings.DEFAULTS.connectTimeout(),
                        EgressSettings.DEFAULTS.readTimeout(), EgressSettings.DEFAULTS.requestTimeout(), 1024),
                        Set.of(), TEST_DNS)) {
            server.document("/big", "{\"x\":\"" + "a".repeat(4096) + "\"}");
            assertThatThrownBy(() -> small.get(URI.create(server.url("/big")), Map.of()))
                    .isInstanceOf(EgressTooLargeException.class);
        }
    }
}
