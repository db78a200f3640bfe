package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.spec.McpSchema;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** An owner, in a real browser, sees the icon a server publishes beside its connector's name (a data: image). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class IconsJourneyTest {

    static Browser browser;
    static TestMcpServer server;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static byte[] png(Color color) throws Exception {
        BufferedImage image = new BufferedImage(48, 48, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillOval(2, 2, 44, 44);
        g.setColor(Color.WHITE);
        g.fillRect(18, 12, 12, 24);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void owner_sees_the_servers_icon_beside_the_connector() throws Exception {
        server = new TestMcpServer();
        server.bytes("/server.png", "image/png", png(new Color(0x1f, 0x6f, 0xeb)))
                .streamableWithIcons("/mcp", "iconic",
                        List.of(new McpSchema.Icon(server.url("/server.png"), "image/png", null, null)),
                        TestMcpServer.echoTool())
                .streamable("/plain", "plain", TestMcpServer.echoTool());
        Org org = orgs.create(Plan.TEAM, 1);
        testConnectors.addChecked(org, "Iconic tools", server.url("/mcp"), ToolSettings.NewTools.ALLOW);
        testConnectors.addChecked(org, "Plain tools", server.url("/plain"), ToolSettings.NewTools.ALLOW);
        TestOrganizations.signOut();

        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.owner().email(), TestOrganizations.PASSWORD);
        b.find(By.cssSelector("vaadin-side-nav-item[path='connectors']")).click();
        b.waitForVaadin();
        b.awaitText("Iconic tools");
        b.awaitText("Plain tools");
        List<WebElement> images = b.driver().findElements(By.cssSelector("#connectors img.console-icon"));
        assertThat(images).hasSize(1);
        assertThat(images.get(0).getAttribute("src")).startsWith("data:image/png;base64,");
        assertThat(b.driver().findElements(By.cssSelector("#connectors vaadin-icon.console-icon-fallback")))
                .as("the plain server's neutral icon").hasSize(1);
        b.screenshot("60-connector-icons");
    }
}
