package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestTool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * A member, in a real browser, runs a tool that asks for input (form-mode elicitation over 2025-11-25): the dialog
 * shows the server's message as text (its markup visible, not rendered) and the form with the schema's defaults;
 * a value outside the schema is refused with the reason and nothing is sent; the member's answer reaches the server
 * and its result shows in the history.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a person answers here: the call may wait longer than the test profile's 5 s
        properties = "console.tools.call-timeout=60s")
@ActiveProfiles("test")
class ElicitationJourneyTest {

    static TestMcpServer mcp;
    static Browser browser;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;

    @BeforeAll
    static void start() {
        mcp = new TestMcpServer().classicOnly("/asks", "asking-server", TestTool.askColour(), TestTool.askToOpen());
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        mcp.close();
    }

    @Test
    void member_answers_a_tools_request_for_input_and_sees_the_result() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        // checked by the owner, so the member can use it without connecting (the server needs no sign-in)
        Connector c = testConnectors.addChecked(org, "Report maker", mcp.url("/asks"), ToolSettings.NewTools.ALLOW)
                .connector();

        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.members().getFirst().email(), TestOrganizations.PASSWORD);
        b.find(By.cssSelector("vaadin-side-nav-item[path='conversations']")).click();
        b.waitForVaadin();
        b.find(By.cssSelector("#new-conversation-title input")).sendKeys("Quarterly report");
        b.find(By.id("new-conversation")).click();
        b.await(d -> d.getCurrentUrl().contains("/conversations/"));
        b.awaitText("No connectors switched on");

        b.find(By.id("conversation-plus")).click();
        b.find(By.id("menu-connectors")).click();
        b.find(By.id("toggle-" + c.id())).click();
        b.waitForVaadin();
        new Actions(b.driver()).sendKeys(Keys.ESCAPE).perform();
        b.awaitText("Asks which colour to use");

        b.find(By.id("tool-ask-colour")).click();
        b.find(By.id("run-tool")).click();

        WebElement message = b.find(By.id("input-request-message"));
        assertThat(message.getText()).isEqualTo("Which colour should the <b>report</b> use?");
        assertThat(b.driver().findElements(By.cssSelector("#input-request-message b"))).as("never HTML").isEmpty();
        WebElement colour = b.find(By.cssSelector("vaadin-text-field[data-argument='colour'] input"));
        WebElement count = b.find(By.cssSelector("vaadin-integer-field[data-argument='count'] input"));
        assertThat(colour.getDomProperty("value")).isEqualTo("teal");
        assertThat(count.getDomProperty("value")).isEqualTo("3");
        b.screenshot("60-input-request");

        // outside the schema: the reason shows, nothing is sent
        count.sendKeys(Keys.chord(Keys.CONTROL, "a"), "12", Keys.TAB);
        b.find(By.id("input-request-send")).click();
        b.awaitText("The answer does not match what the server asked for");
        b.screenshot("61-input-request-refused");

        colour.sendKeys(Keys.chord(Keys.CONTROL, "a"), "navy", Keys.TAB);
        count.sendKeys(Keys.chord(Keys.CONTROL, "a"), "4", Keys.TAB);
        b.find(By.id("input-request-send")).click();
        b.await(d -> d.findElements(By.cssSelector(".console-call-text")).stream()
                .anyMatch(e -> e.getText().equals("accept {colour=navy, count=4}")));
        // Vaadin removes a closed dialog after its closing animation, in a round trip of its own: wait for that
        b.await(d -> d.findElements(By.id("input-request")).isEmpty());
        b.screenshot("62-input-request-answered");

        // URL mode: the host shown large, the address as text, a link that opens only on a click, in a new tab
        // without opener or referrer; the member declines
        b.find(By.id("tool-ask-to-open")).click();
        b.find(By.cssSelector("#tool-dialog vaadin-text-field[data-argument='url'] input"))
                .sendKeys("https://forms.example.com/sign?case=7");
        b.find(By.id("run-tool")).click();
        assertThat(b.find(By.id("input-request-host")).getText()).isEqualTo("forms.example.com");
        assertThat(b.find(By.id("input-request-url")).getText()).isEqualTo("https://forms.example.com/sign?case=7");
        WebElement open = b.find(By.id("input-request-open"));
        assertThat(open.getText()).isEqualTo("Open forms.example.com");
        assertThat(open.getDomAttribute("href")).isEqualTo("https://forms.example.com/sign?case=7");
        assertThat(open.getDomAttribute("target")).isEqualTo("_blank");
        assertThat(open.getDomAttribute("rel")).isEqualTo("noopener noreferrer");
        b.screenshot("63-input-request-url");
        b.find(By.id("input-request-decline")).click();
        b.await(d -> d.findElements(By.cssSelector(".console-call-text")).stream()
                .anyMatch(e -> e.getText().equals("decline")));
    }
}
