package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.OAuthProtectedMcp;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A member, in a real browser: opens Settings › Connectors, clicks Connect on a connector to an OAuth-protected
 * MCP server on this machine, passes its authorization server (which approves at once), comes back connected,
 * sees the tools, and disconnects.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ConnectJourneyTest {

    @RegisterExtension
    static final OAuthProtectedMcp peers = new OAuthProtectedMcp(TestMcpServer.echoTool(), TestMcpServer.addTool());
    static Browser browser;

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
    }

    @Test
    void member_connects_sees_the_tools_and_disconnects() {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector c = testConnectors.add(org, "Acme files", peers.mcp().url("/mcp"));

        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.members().getFirst().email(), TestOrganizations.PASSWORD);
        b.find(By.cssSelector("vaadin-side-nav-item[path='settings/connectors']")).click();
        b.waitForVaadin();
        b.awaitText("Acme files");
        b.awaitText("Not connected");
        b.screenshot("20-member-connectors-not-connected");

        b.find(By.id("connect-" + c.id())).click();
        b.await(d -> d.getCurrentUrl().contains("/settings/connectors"));
        b.awaitText("Connected to Acme files.");
        // both tools are new, so held for an owner's review (decision 0017): none is counted as usable yet
        b.awaitText("2 tools wait for an owner's review before you can use them.");
        assertThat(b.text()).contains("Scopes: mcp").doesNotContain("tools you can use");
        b.screenshot("21-member-connected-with-tools");

        b.find(By.id("disconnect-" + c.id())).click();
        b.awaitText("Disconnect Acme files?");
        b.find(By.cssSelector("vaadin-confirm-dialog [slot='confirm-button'], vaadin-button[slot='confirm-button']"))
                .click();
        b.awaitText("The server revoked your tokens");
        b.awaitText("Not connected");
        b.screenshot("22-member-disconnected");
    }
}
