package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import testpeers.TestAuthorizationServer;

/**
 * A member, in a real browser: opens Settings › Connectors, clicks Connect on a connector to an OAuth-protected
 * MCP server on this machine, passes its authorization server (which approves at once), comes back connected,
 * sees the tools, and disconnects.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class ConnectJourneyTest {

    static TestAuthorizationServer as;
    static TestMcpServer mcp;
    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;

    @BeforeAll
    static void start() {
        as = new TestAuthorizationServer();
        mcp = new TestMcpServer().oauthProtected("/mcp", "acme-files", as.issuer(), "mcp",
                TestMcpServer.echoTool(), TestMcpServer.addTool());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        mcp.close();
        as.close();
    }

    @Test
    void member_connects_sees_the_tools_and_disconnects() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Acme files", mcp.url("/mcp"), null, null, false));
        TestOrganizations.signOut();

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
        // new tools wait for an owner's review (the default), and the page says so per tool (issue 20)
        b.awaitText("2 tools, 0 of them you can use:");
        b.awaitText("New: held for an owner's review before anyone can use it.");
        b.awaitText("Repeats the message it is given");
        assertThat(b.text()).contains("Scopes: mcp");
        b.screenshot("21-member-connected-with-tools");

        b.find(By.id("disconnect-" + c.id())).click();
        b.awaitText("The server revoked your tokens");
        b.awaitText("Not connected");
        b.screenshot("22-member-disconnected");
    }
}
