package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolPolicyService;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupService;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.OAuthProtectedMcp;
import org.connectorconsole.support.TestMcpServer;
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
 * A connector offered only to a group, in a real browser: the owner sees the group and the connector's "Who may
 * use it" section; a member in the group sees the connector, connects through its authorization server and sees
 * each tool's mode with its reason; a member outside the group does not see it at all.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GroupScopingJourneyTest {

    @RegisterExtension
    static final OAuthProtectedMcp peers = new OAuthProtectedMcp(TestMcpServer.echoTool(), TestMcpServer.addTool());
    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;
    @Autowired
    ConnectorAccessService access;
    @Autowired
    GroupService groups;
    @Autowired
    ToolPolicyService policies;

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void a_member_in_the_group_sees_and_connects_and_a_member_outside_does_not_see_it() {
        Org org = orgs.create(Plan.TEAM, 2);
        var ada = org.members().get(0);
        var bob = org.members().get(1);
        orgs.signIn(org.owner());
        policies.updateSettings(ToolSettings.NewTools.ALLOW, false,
                policies.settings().version());
        Connector c = connectors.add(new ConnectorForm("Acme files", peers.mcp().url("/mcp"), null, null, false));
        Group engineering = groups.create("Engineering");
        groups.addMember(engineering.id(), ada.id());
        access.setAudience(c.id(), false, List.of(engineering.id()), access.settings(c.id()).version());
        var settings = access.settings(c.id());
        access.setRules(c.id(), ToolPolicy.NEEDS_APPROVAL, ToolPolicy.BLOCKED, false, settings.version());
        access.setGrant(c.id(), engineering.id(), "", ToolPolicy.ALLOWED);
        TestOrganizations.signOut();

        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.owner().email(), TestOrganizations.PASSWORD);
        b.open("organization/groups");
        b.awaitText("Engineering");
        assertThat(b.text()).contains("Console").contains("Members");
        b.screenshot("60-owner-groups");
        b.open("connectors/" + c.id());
        b.awaitText("Who may use it and how");
        b.awaitText("Groups' grants");
        ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript(
                "document.getElementById('connector-access').scrollIntoView()");
        b.screenshot("61-owner-connector-access");

        b.driver().manage().deleteAllCookies();
        b.signIn(ada.email(), TestOrganizations.PASSWORD);
        b.open("settings/connectors");
        b.awaitText("Acme files");
        b.find(By.id("connect-" + c.id())).click();
        b.await(d -> d.getCurrentUrl().contains("/settings/connectors"));
        b.awaitText("Connected to Acme files.");
        b.awaitText("Allowed for Engineering, capped at Needs approval by the organization.");
        b.screenshot("62-member-in-group-connected");

        b.driver().manage().deleteAllCookies();
        b.signIn(bob.email(), TestOrganizations.PASSWORD);
        b.open("settings/connectors");
        b.awaitText("No connectors yet");
        assertThat(b.text()).as("a member outside the group does not see the connector").doesNotContain("Acme files");
        b.screenshot("63-member-outside-group");
    }
}
