package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestMcpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * An owner, in a real browser: adds a connector to a local MCP server, watches the doctor's steps and the tool
 * list, edits it, and removes it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "demo"})
class ConnectorJourneyTest {

    static TestMcpServer server;
    static Browser browser;

    @LocalServerPort
    int port;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().streamable("/mcp", "acme-tools", TestMcpServer.echoTool(),
                TestMcpServer.addTool());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        server.close();
    }

    private static void type(WebElement input, String text) {
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    @Test
    void owner_adds_checks_edits_and_removes_a_connector() {
        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn("owner@acme.example", "demo-password-2026");
        b.find(By.cssSelector("vaadin-side-nav-item[path='connectors']")).click();
        b.waitForVaadin();
        b.awaitText("No custom connectors yet");
        b.screenshot("10-connectors-empty");

        b.find(By.id("add-connector")).click();
        b.awaitText("Custom connectors reach services that nobody has verified");
        type(b.find(By.cssSelector("#connector-url input")), "https://10.1.2.3/mcp");
        b.find(By.id("connector-save")).click();
        b.awaitText("is a private address");
        b.screenshot("11-add-refused-private-address");

        type(b.find(By.cssSelector("#connector-url input")), server.url("/mcp"));
        type(b.find(By.cssSelector("#connector-name input")), "Acme tools");
        b.find(By.id("connector-save")).click();

        b.await(d -> d.getCurrentUrl().contains("/connectors/"));
        b.awaitText("Streamable HTTP");
        b.awaitText("Server acme-tools 1.0.0");
        b.awaitText("Repeats the message it is given");
        b.awaitText("Adds two numbers");
        b.awaitText("2025-11-25 (initialize handshake)");
        // address, transport, protocol revision, session, tools
        assertThat(b.driver().findElements(By.cssSelector("[data-step][data-status='PASSED']"))).hasSize(5);
        b.screenshot("12-doctor-and-tools");

        b.find(By.id("edit-connector")).click();
        type(b.find(By.cssSelector("#connector-name input")), "Acme internal tools");
        b.find(By.id("connector-save")).click();
        b.awaitText("Acme internal tools");

        b.find(By.id("toggle-connector")).click();
        b.awaitText("members cannot use it until it is turned on again");

        b.open("connectors");
        b.awaitText("Acme internal tools");
        b.awaitText("Turned off");
        b.screenshot("13-connectors-list");

        b.find(By.xpath("//vaadin-grid-cell-content[contains(., 'Acme internal tools')]")).click();
        b.await(d -> d.getCurrentUrl().contains("/connectors/"));
        b.waitForVaadin();
        b.find(By.id("remove-connector")).click();
        b.awaitText("Every member's connection to it ends");
        b.screenshot("14-confirm-removal");
        b.find(By.cssSelector("vaadin-confirm-dialog [slot='confirm-button'], vaadin-button[slot='confirm-button']"))
                .click();
        b.await(d -> d.getCurrentUrl().endsWith("/connectors"));
        b.awaitText("No custom connectors yet");
    }
}
