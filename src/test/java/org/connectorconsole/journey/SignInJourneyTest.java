package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.support.Browser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A person in a real browser, on the demo data: wrong password, owner's navigation, sign out, member's smaller
 * navigation and the "not allowed" page.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"test", "demo"})
class SignInJourneyTest {

    static final String PASSWORD = "demo-password-2026";

    @LocalServerPort
    int port;

    static Browser browser;

    @BeforeAll
    static void noBrowserYet() {
        browser = null;
    }

    private Browser browser() {
        if (browser == null) {
            browser = new Browser("http://localhost:" + port + "/");
        }
        return browser;
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void owner_and_member_sign_in_and_see_what_their_role_allows() {
        Browser b = browser();

        b.open("login");
        b.awaitText("Manage the custom connectors your AI assistant may use.");
        b.screenshot("01-sign-in");

        b.find(By.cssSelector("vaadin-login-form input[name='username']")).sendKeys("owner@acme.example");
        var password = b.find(By.cssSelector("vaadin-login-form input[name='password']"));
        password.sendKeys("not-the-password");
        password.sendKeys(org.openqa.selenium.Keys.ENTER);
        b.awaitText("Wrong e-mail address or password. Check both and try again.");
        assertThat(b.currentPath()).startsWith("login");
        b.screenshot("02-wrong-password");

        b.signIn("owner@acme.example", PASSWORD);
        b.awaitText("Welcome, Olivia Owner");
        b.awaitText("Team plan · Owner");
        assertThat(b.find(By.cssSelector("vaadin-side-nav-item[path='organization/members']")).getText())
                .contains("Members");
        b.screenshot("03-owner-overview");

        b.find(By.cssSelector("vaadin-side-nav-item[path='organization/members']")).click();
        b.waitForVaadin();
        b.awaitText("mia@acme.example");
        b.awaitText("noah@acme.example");
        b.awaitText("3 people, 1 owner");
        b.screenshot("04-owner-members");

        b.find(By.cssSelector("vaadin-menu-bar vaadin-menu-bar-button")).click();
        b.find(By.id("sign-out")).click();
        b.await(d -> d.getCurrentUrl().contains("/login"));
        b.waitForVaadin();
        b.open("organization/members");
        assertThat(b.currentPath()).as("signed out: members page leads to sign-in").startsWith("login");

        // Signing in returns the member to the page they asked for, which their role does not include.
        b.signIn("mia@acme.example", PASSWORD);
        b.awaitText("You can't open this page");
        assertThat(b.text()).doesNotContain("noah@acme.example").doesNotContain("Exception");
        b.screenshot("05-member-not-allowed");

        b.open("");
        b.awaitText("Welcome, Mia Member");
        b.awaitText("Team plan · Member");
        assertThat(b.driver().findElements(By.cssSelector("vaadin-side-nav-item[path='organization/members']")))
                .as("a member's navigation has no Members entry").isEmpty();
        b.screenshot("06-member-overview");
    }
}
