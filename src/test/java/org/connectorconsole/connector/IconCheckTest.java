package org.connectorconsole.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.connectorconsole.base.IconData;
import org.connectorconsole.base.OrganizationId;
import org.connectorconsole.egress.EgressClient;
import org.connectorconsole.egress.EgressSettings;
import org.connectorconsole.egress.HostResolver;
import org.connectorconsole.mcp.McpProbe;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The MCP specification's rules for showing icons (IconCheck), and fetching them without credentials. */
class IconCheckTest {

    /** A 1×1 PNG. */
    static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
    static final byte[] SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
            .getBytes(StandardCharsets.UTF_8);
    static final URI SERVER = URI.create("https://mcp.example.com/mcp");

    private TestMcpServer server;
    private EgressClient egress;
    private final OrganizationId org = new OrganizationId(UUID.randomUUID());

    @BeforeEach
    void start() {
        server = new TestMcpServer();
        egress = new EgressClient(EgressSettings.DEFAULTS.withLoopbackHttp(true), Set.of(), HostResolver.SYSTEM);
    }

    @AfterEach
    void stop() {
        server.close();
        egress.close();
    }

    @Test
    void dataPngIsAccepted() throws Exception {
        IconData icon = IconCheck.fromDataUrl("data:image/png;base64," + Base64.getEncoder().encodeToString(PNG));
        assertThat(icon.mediaType()).isEqualTo("image/png");
        assertThat(icon.bytes()).isEqualTo(PNG);
        assertThat(icon.dataUrl()).startsWith("data:image/png;base64,iVBOR");
    }

    @Test
    void crossOriginIsRefused() throws Exception {
        assertThatThrownBy(() -> IconCheck.fetchable(SERVER, "https://cdn.example.net/icon.png", false))
                .hasMessageContaining("own origin");
        assertThatThrownBy(() -> IconCheck.fetchable(SERVER, "https://mcp.example.com:8443/icon.png", false))
                .hasMessageContaining("own origin");
        assertThatThrownBy(() -> IconCheck.fetchable(SERVER, "https://user:pw@mcp.example.com/icon.png", false))
                .hasMessageContaining("user name");
        assertThat(IconCheck.fetchable(SERVER, "https://MCP.example.com:443/icon.png", false).getPath())
                .isEqualTo("/icon.png");
    }

    @Test
    void httpAndOtherSchemesAreRefused() {
        URI plain = URI.create("http://mcp.example.com/mcp");
        assertThatThrownBy(() -> IconCheck.fetchable(plain, "http://mcp.example.com/icon.png", true))
                .hasMessageContaining("Only https: and data:");
        assertThatThrownBy(() -> IconCheck.fetchable(SERVER, "http://mcp.example.com/icon.png", true))
                .hasMessageContaining("Only https: and data:");
        assertThatThrownBy(() -> IconCheck.fetchable(SERVER, "javascript:alert(1)", false))
                .hasMessageContaining("Only https: and data:");
        assertThatThrownBy(() -> IconCheck.fetchable(SERVER, "/icon.png", false))
                .hasMessageContaining("relative");
        // development mode only: a plain-http loopback server's own http icon
        URI loopback = URI.create("http://127.0.0.1:9/mcp");
        assertThatThrownBy(() -> IconCheck.fetchable(loopback, "http://127.0.0.1:9/i.png", false))
                .hasMessageContaining("Only https: and data:");
    }

    @Test
    void svgIsRefusedEvenWhenItClaimsToBePng() {
        assertThatThrownBy(() -> IconCheck.fromDataUrl("data:image/svg+xml;base64,"
                + Base64.getEncoder().encodeToString(SVG))).hasMessageContaining("SVG");
        assertThatThrownBy(() -> IconCheck.fromDataUrl("data:image/png;base64,"
                + Base64.getEncoder().encodeToString(SVG))).hasMessageContaining("SVG");
        assertThatThrownBy(() -> IconCheck.fromDataUrl("data:image/svg+xml;utf8,<svg/>"))
                .hasMessageContaining("base64");
    }

    @Test
    void contentThatLiesAboutItsTypeIsRefused() {
        byte[] html = "<!doctype html><p>hello</p>".getBytes(StandardCharsets.UTF_8);
        byte[] zip = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThatThrownBy(() -> IconCheck.accept(html)).isInstanceOf(IconCheck.Refused.class);
        assertThatThrownBy(() -> IconCheck.accept(zip)).hasMessageContaining("not a PNG, JPEG, GIF or WebP");
        assertThat(IconCheck.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0})).isEqualTo("image/jpeg");
    }

    @Test
    void oversizeIsRefused() {
        byte[] big = new byte[IconData.MAX_BYTES + 1];
        System.arraycopy(PNG, 0, big, 0, PNG.length);
        assertThatThrownBy(() -> IconCheck.accept(big)).hasMessageContaining("larger than 64 KB");
        assertThatThrownBy(() -> IconCheck.fromDataUrl("data:image/png;base64,"
                + Base64.getEncoder().encodeToString(big))).hasMessageContaining("larger than 64 KB");
        byte[] wide = PNG.clone();
        wide[16] = 0; wide[17] = 0; wide[18] = 0x10; wide[19] = 0; // 4096 px wide
        assertThatThrownBy(() -> IconCheck.accept(wide)).hasMessageContaining("4096×1 pixels");
    }

    @Test
    void fetchedFromTheServersOriginWithoutCredentials() {
        server.bytes("/icon.png", "image/png", PNG);
        URI mcp = URI.create(server.url("/mcp"));
        IconFetcher fetcher = new IconFetcher(null);

        var icon = fetcher.first(egress, org, mcp, List.of(server.url("/icon.png")));

        assertThat(icon).isPresent();
        assertThat(icon.get().mediaType()).isEqualTo("image/png");
        assertThat(server.requested("/icon.png")).isTrue();
        assertThat(server.lastAuthorization("/icon.png")).isEmpty(); // no bearer token, nothing else either
    }

    @Test
    void fetchedBytesAreJudgedByContentNotByContentType() {
        server.bytes("/liar.png", "image/png", SVG);
        server.bytes("/big.png", "image/png", new byte[IconData.MAX_BYTES * 2]);
        URI mcp = URI.create(server.url("/mcp"));
        IconFetcher fetcher = new IconFetcher(null);

        assertThat(fetcher.refusal(egress, org, mcp, server.url("/liar.png"))).contains("SVG");
        assertThat(fetcher.refusal(egress, org, mcp, server.url("/big.png"))).contains("larger than 64 KB");
        assertThat(fetcher.refusal(egress, org, mcp, server.url("/missing.png"))).contains("HTTP 404");
        assertThat(fetcher.first(egress, org, mcp, List.of(server.url("/liar.png"), server.url("/big.png"))))
                .isEmpty();
    }

    @Test
    void serverIconsAreListedInBothRevisions() throws Exception {
        server.modernWithIcons("/modern", "modern", List.of(new io.modelcontextprotocol.modern.McpSchema.Icon(
                server.url("/m.png"), "image/png", null, null)), TestTool.echo())
                .streamableWithIcons("/classic", "classic", List.of(new io.modelcontextprotocol.spec.McpSchema.Icon(
                        server.url("/c.png"), "image/png", null, null)), TestMcpServer.withIcons(
                                TestMcpServer.echoTool(), List.of(new io.modelcontextprotocol.spec.McpSchema.Icon(
                                        server.url("/e.png"), null, null, null))));
        for (String path : List.of("/modern", "/classic")) {
            URI url = URI.create(server.url(path));
            var kind = McpProbe.detect(egress, url, java.time.Duration.ofSeconds(10)).kind();
            var probe = McpProbe.probe(egress, url, kind, java.time.Duration.ofSeconds(10),
                    null);
            assertThat(probe.serverIcons()).as(path).containsExactly(server.url(path.equals("/modern") ? "/m.png"
                    : "/c.png"));
            if (path.equals("/classic")) {
                assertThat(probe.tools()).singleElement().satisfies(t -> assertThat(t.icons())
                        .containsExactly(server.url("/e.png")));
            }
        }
    }

    @Test
    void crossOriginIsNeverFetched() {
        server.bytes("/icon.png", "image/png", PNG);
        IconFetcher fetcher = new IconFetcher(null);
        // same host, other port: another origin
        URI mcp = URI.create("http://127.0.0.1:" + (server.port() == 65535 ? 1 : server.port() + 1) + "/mcp");

        assertThat(fetcher.refusal(egress, org, mcp, server.url("/icon.png"))).contains("own origin");
        assertThat(server.requested("/icon.png")).isFalse();
    }
}
