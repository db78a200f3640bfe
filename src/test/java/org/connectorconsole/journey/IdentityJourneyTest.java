package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.connectorconsole.db.Tables.APP_USER;

import java.util.UUID;
import org.connectorconsole.base.Plan;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.security.Role;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.SsoConsole;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import testpeers.TestAuthorizationServer;

/**
 * Two real browsers: an owner invites a new member by e-mail and copies the link; the member opens it, accepts
 * through the local identity provider (Spring Authorization Server as an OpenID Connect provider on 127.0.0.1),
 * and lands in the console; the owner sees them in the members list and in the connections overview, asks them
 * to connect, and the member sees the request.
 */
class IdentityJourneyTest extends SsoConsole {

    static TestMcpServer mcp;
    static Browser owner;
    static Browser member;

    @Autowired
    TestConnectors testConnectors;
    @Autowired
    DSLContext db;
    @Autowired
    InvitationService invitations;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer().oauthProtected("/mcp", "team-wiki", IDP.issuer(), "mcp", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        if (owner != null) {
            owner.close();
        }
        if (member != null) {
            member.close();
        }
        mcp.close();
    }

    private static String activeOrganization(Browser b) {
        try {
            var found = b.driver().findElements(By.cssSelector(".console-org-name"));
            return found.isEmpty() ? null : found.getFirst().getText();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return null; // the page is being replaced
        }
    }

    private String memberId(String email) {
        return db.select(APP_USER.ID).from(APP_USER).where(APP_USER.EMAIL.eq(email)).fetchSingle(APP_USER.ID)
                .toString();
    }

    @Test
    void owner_invites_the_member_accepts_through_single_sign_on_and_appears_in_members_and_connections() {
        registerAtProvider();
        Org org = orgs.create(Plan.TEAM, 1);
        testConnectors.add(org, "Team wiki", mcp.url("/mcp"));
        String email = "rosa-" + UUID.randomUUID().toString().substring(0, 6) + "@test.example";

        owner = new Browser("http://localhost:" + port + "/");
        Browser o = owner;
        o.signIn(org.owner().email(), TestOrganizations.PASSWORD);
        o.find(By.cssSelector("vaadin-side-nav-item[path='organization/members']")).click();
        o.waitForVaadin();
        o.awaitText("No open invitations");
        o.screenshot("70-members-before-invitation");
        o.find(By.cssSelector("#invite-email input")).sendKeys(email);
        o.find(By.id("invite")).click();
        o.waitForVaadin();
        o.awaitText("It is shown only this once");
        String link = o.find(By.cssSelector("#invitation-link input")).getAttribute("value");
        assertThat(link).startsWith("http://localhost:" + port + "/invitation/");
        o.screenshot("71-invitation-link-shown-once");
        o.find(By.id("invitation-done")).click();
        o.waitForVaadin();
        o.awaitText(email);
        o.screenshot("72-members-with-open-invitation");

        IDP.signInAs(new TestAuthorizationServer.Person("rosa-" + UUID.randomUUID(), email, "Rosa Rivera", true));
        member = new Browser("http://localhost:" + port + "/");
        Browser m = member;
        m.open("login");
        m.awaitText("Sign in with " + PROVIDER_NAME);
        m.screenshot("73-sign-in-page-with-single-sign-on");
        m.driver().get(link);
        m.waitForVaadin();
        m.awaitText("You are invited to join " + org.name() + " as a member");
        m.awaitText("Continue with " + PROVIDER_NAME);
        m.screenshot("73-invitation-page-anonymous");
        m.find(By.id("invitation-sso-local")).click();
        m.await(d -> d.getCurrentUrl().equals("http://localhost:" + port + "/"));
        m.waitForVaadin();
        m.awaitText("Rosa Rivera");
        m.awaitText(org.name());
        m.screenshot("74-member-signed-in-through-sso");

        o.open("organization/members");
        o.awaitText("Rosa Rivera");
        o.awaitText("No open invitations");
        o.screenshot("75-members-after-acceptance");
        o.find(By.cssSelector("vaadin-side-nav-item[path='organization/connections']")).click();
        o.waitForVaadin();
        o.awaitText("Rosa Rivera");
        o.awaitText("Not connected");
        assertThat(o.text()).contains("Team wiki");
        o.screenshot("76-connections-overview");
        org.openqa.selenium.WebElement ask = o.find(By.cssSelector("vaadin-button[id^='ask-" + memberId(email) + "']"));
        // the grid may scroll sideways (its last column is past the window's edge at this width): as a person would
        ((org.openqa.selenium.JavascriptExecutor) o.driver())
                .executeScript("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", ask);
        ask.click();
        o.waitForVaadin();
        o.awaitText("Rosa Rivera will see your request");
        o.screenshot("77-connections-overview-after-asking");

        m.find(By.cssSelector("vaadin-side-nav-item[path='settings/connectors']")).click();
        m.waitForVaadin();
        m.awaitText("Team wiki");
        m.awaitText("asked you");
        m.screenshot("78-member-sees-the-request");

        // a second organization invites the same person: signed in with that address, they join it, and switch
        Org second = orgs.create(Plan.TEAM, 0);
        orgs.signIn(second.owner());
        String token = invitations.invite(email, Role.MEMBER).token();
        TestOrganizations.signOut();
        m.open("invitation/" + token);
        m.awaitText("Join " + second.name());
        m.find(By.id("invitation-join")).click();
        m.await(d -> d.getCurrentUrl().equals("http://localhost:" + port + "/"));
        m.waitForVaadin();
        m.await(d -> second.name().equals(activeOrganization(m)));
        m.screenshot("79-member-joined-a-second-organization");
        m.find(By.id("organization-switcher")).click();
        m.find(By.xpath("//vaadin-select-item[contains(., '" + org.name() + "')]")).click();
        m.await(d -> org.name().equals(activeOrganization(m)));
        m.open("");
        assertThat(activeOrganization(m)).as("kept in the session across requests").isEqualTo(org.name());
        m.screenshot("80-member-switched-back");
    }
}
