package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.EnterpriseManagedService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.security.SsoAssertions;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import testpeers.EnterpriseIdentityPeers;

/**
 * Enterprise-managed connections in a real browser: the owner's settings page, a member connected without a click,
 * and a member the identity provider refuses, who sees the provider's refusal and its reason as plain text. The
 * identity provider and the MCP authorization server run in this JVM ({@link EnterpriseIdentityPeers}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class EnterpriseManagedJourneyTest {

    static EnterpriseIdentityPeers peers;
    static TestMcpServer mcp;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    EnterpriseManagedService enterprise;
    @Autowired
    SsoAssertions assertions;

    @AfterAll
    static void stop() {
        if (mcp != null) {
            mcp.close();
        }
        if (peers != null) {
            peers.close();
        }
    }

    @Test
    void members_are_connected_through_the_organizations_sign_in_or_see_the_providers_refusal() {
        peers = new EnterpriseIdentityPeers();
        mcp = new TestMcpServer();
        mcp.oauthProtected("/ema", "Enterprise tools", peers.asIssuer(), "tools.read", TestMcpServer.echoTool());
        peers.serving(mcp.url("/ema"));
        mcp.oauthProtected("/ema-second", "Second tools", peers.asIssuer(), "tools.read", TestMcpServer.echoTool());
        Org org = orgs.create(Plan.TEAM, 2);
        orgs.signIn(org.owner());
        Connector c = connectors.add(new ConnectorForm("Enterprise tools", mcp.url("/ema"),
                EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET, false));
        enterprise.saveTokenExchange(true, peers.idpTokenEndpoint().toString(), EnterpriseIdentityPeers.IDP_CLIENT_ID,
                EnterpriseIdentityPeers.IDP_CLIENT_SECRET);
        enterprise.setEnterpriseManaged(c.id(), true);
        Connector second = connectors.add(new ConnectorForm("Second tools", mcp.url("/ema-second"),
                EnterpriseIdentityPeers.AS_CLIENT_ID, EnterpriseIdentityPeers.AS_CLIENT_SECRET, false));
        TestOrganizations.signOut();
        var alice = org.members().get(0);
        var bob = org.members().get(1);
        Instant exp = Instant.now().plusSeconds(900);
        assertions.keep(alice.id(), peers.idpIssuer(), peers.idToken("alice-journey", exp), exp);
        assertions.keep(bob.id(), peers.idpIssuer(), peers.idToken("bob-journey", exp), exp);
        peers.deny("bob-journey");

        try (Browser b = new Browser("http://localhost:" + port + "/")) {
            b.signIn(org.owner().email(), TestOrganizations.PASSWORD);
            b.open("organization/enterprise-sign-in");
            b.awaitText("Organization sign-in");
            assertThat(b.find(By.id("token-exchange-endpoint")).getAttribute("value"))
                    .isEqualTo(peers.idpTokenEndpoint().toString());
            assertThat(b.find(By.cssSelector("#enterprise-connectors vaadin-checkbox")).getAttribute("checked"))
                    .isNotNull();
            b.screenshot("enterprise-sign-in-owner");
            // switching on asks the server in the background; the outcome arrives by itself
            var box = b.find(By.cssSelector("#enterprise-connectors vaadin-checkbox[data-connector='" + second.id()
                    + "']"));
            ((org.openqa.selenium.JavascriptExecutor) b.driver())
                    .executeScript("arguments[0].scrollIntoView({block: 'center'})", box);
            b.screenshot("enterprise-sign-in-owner-connectors");
            box.click();
            b.awaitText("Second tools now uses the organization's sign-in.");
            b.screenshot("enterprise-sign-in-owner-switched");
        }
        orgs.signIn(org.owner());
        enterprise.setEnterpriseManaged(second.id(), false);
        TestOrganizations.signOut();
        try (Browser b = new Browser("http://localhost:" + port + "/")) {
            b.signIn(alice.email(), TestOrganizations.PASSWORD);
            b.open("settings/connectors");
            b.awaitText("Enterprise tools: Connected through your organization's sign-in.");
            // the connection works with the exchanged token: the server lists its tools to the member
            // (its one tool is new, so it waits for an owner's review: listed and counted as waiting, not usable)
            b.awaitText("1 tool waits for an owner's review before you can use it.");
            assertThat(b.text()).doesNotContain("did not allow");
            b.screenshot("enterprise-member-connected");
            // her Disconnect sticks: the page (and the next visit) does not connect her again by itself
            org.openqa.selenium.WebElement disconnect = b.find(By.id("disconnect-" + c.id()));
            ((org.openqa.selenium.JavascriptExecutor) b.driver())
                    .executeScript("arguments[0].scrollIntoView({block: 'center'})", disconnect);
            disconnect.click();
            b.awaitText("Disconnect Enterprise tools?");
            b.find(By.cssSelector("vaadin-confirm-dialog [slot='confirm-button'], vaadin-button[slot='confirm-button']"))
                    .click();
            b.awaitText("You disconnected from Enterprise tools: you stay disconnected until you choose Connect "
                    + "through your organization's sign-in.");
            b.open("settings/connectors");
            b.awaitText("You disconnected from Enterprise tools");
            assertThat(b.text()).doesNotContain("Enterprise tools: Connected through your organization's sign-in.");
            b.screenshot("enterprise-member-disconnected");
            b.find(By.cssSelector("#enterprise-sign-in .enterprise-ask")).click();
            b.awaitText("Enterprise tools: Connected through your organization's sign-in.");
        }
        try (Browser b = new Browser("http://localhost:" + port + "/")) {
            b.signIn(bob.email(), TestOrganizations.PASSWORD);
            b.open("settings/connectors");
            b.awaitText("Your organization's identity provider did not allow access to Enterprise tools.");
            // the provider's own words, shown as text: its markup is not interpreted
            b.awaitText("Policy <b>MCP-Engineering-Only</b> does not allow bob-journey to use this server.");
            assertThat(b.driver().findElements(By.cssSelector("#enterprise-sign-in b"))).isEmpty();
            // the member may ask again; nothing is retried by itself on the next visit
            b.awaitText("Connect through your organization's sign-in");
            b.screenshot("enterprise-member-refused");
        }
    }
}
