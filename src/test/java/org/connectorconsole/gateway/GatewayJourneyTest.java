package org.connectorconsole.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.base.Plan;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * In a real browser: a member sees that the gateway is off and who can switch it on; the owner switches it on and
 * sets a limit; the member then finds their endpoint and its instructions under Settings › Connectors, creates a
 * personal access token (shown once), and sees a conversation's own endpoint on its page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class GatewayJourneyTest {

    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConversationService conversations;

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void owner_switches_the_gateway_on_and_a_member_finds_their_endpoint_and_creates_a_token() {
        Org org = orgs.create(Plan.TEAM, 1);
        orgs.signIn(org.members().getFirst());
        Conversation conversation = conversations.create("Release notes");
        TestOrganizations.signOut();

        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.members().getFirst().email(), TestOrganizations.PASSWORD);
        b.open("settings/connectors");
        b.awaitText("Use your connectors from your assistant");
        assertThat(b.find(By.id("gateway-off")).getText()).contains("The gateway is off").contains("Ask an owner");
        b.screenshot("60-gateway-off-member");
        signOut(b);

        b.signIn(org.owner().email(), TestOrganizations.PASSWORD);
        b.find(By.cssSelector("vaadin-side-nav-item[path='organization/gateway']")).click();
        b.waitForVaadin();
        b.awaitText("Rate limits");
        b.find(By.id("gateway-enabled")).click();
        b.find(By.cssSelector("#gateway-member-limit input")).sendKeys("0");
        b.find(By.id("gateway-save")).click();
        b.awaitText("from 1 to 100000");
        b.screenshot("61-gateway-settings-invalid");
        b.find(By.cssSelector("#gateway-member-limit input")).sendKeys("\b60");
        b.find(By.id("gateway-save")).click();
        b.awaitText("Saved: the gateway is on.");
        b.screenshot("62-gateway-settings-on");
        signOut(b);

        b.signIn(org.members().getFirst().email(), TestOrganizations.PASSWORD);
        b.open("settings/connectors");
        b.awaitText("Personal access tokens");
        String endpoint = "http://localhost:" + port + GatewayEndpoints.memberPath(org.id(),
                org.members().getFirst().id());
        assertThat(b.find(By.id("gateway-endpoint")).getAttribute("value")).isEqualTo(endpoint);
        assertThat(b.find(By.id("gateway-snippet")).getText()).contains("\"url\": \"" + endpoint + "\"");
        assertThat(b.find(By.id("no-gateway-tokens")).getText()).contains("No tokens yet");
        b.screenshot("63-gateway-member-section");
        org.openqa.selenium.WebElement create = b.find(By.id("new-gateway-token"));
        ((org.openqa.selenium.JavascriptExecutor) b.driver())
                .executeScript("arguments[0].scrollIntoView({block: 'center'})", create);
        create.click();
        b.find(By.cssSelector("#gateway-token-name input")).sendKeys("Build agent");
        b.find(By.id("gateway-token-create")).click();
        b.awaitText("shown once");
        assertThat(b.find(By.id("gateway-token-secret")).getAttribute("value")).startsWith("ccgw_");
        b.screenshot("64-gateway-token-shown-once");

        b.open("conversations/" + conversation.id());
        b.awaitText("Use from your assistant");
        assertThat(b.find(By.id("conversation-endpoint")).getAttribute("value")).isEqualTo("http://localhost:"
                + port + GatewayEndpoints.conversationPath(conversation.id().value()));
        b.screenshot("65-conversation-endpoint");
    }

    private static void signOut(Browser b) {
        b.find(By.cssSelector("vaadin-menu-bar vaadin-menu-bar-button")).click();
        b.find(By.id("sign-out")).click();
        b.await(d -> d.getCurrentUrl().contains("/login"));
    }
}
