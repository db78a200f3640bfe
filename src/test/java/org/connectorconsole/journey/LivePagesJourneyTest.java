package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * Two people side by side in real browsers: a member keeps Settings › Connectors open while an owner disables one
 * connector and removes another. The member's page changes by itself (server push), without a reload: the page
 * keeps a mark set in it before the owner's change, which a reload would wipe.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class LivePagesJourneyTest {

    /** The push transport the browser must end up using. */
    String expectedTransport() {
        return "websocket";
    }

    static TestMcpServer server;
    static TestMcpServer open;
    static Browser owner;
    static Browser member;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    org.connectorconsole.conversation.ConversationService conversations;

    @BeforeAll
    static void start() {
        server = new TestMcpServer().protectedEndpoint("/files", true, true).protectedEndpoint("/notes", true, true);
        open = new TestMcpServer().streamable("/mcp", "acme-tools", TestMcpServer.echoTool());
    }

    @AfterAll
    static void stop() {
        if (owner != null) {
            owner.close();
        }
        if (member != null) {
            member.close();
        }
        server.close();
        open.close();
    }

    @Test
    void an_owners_changes_reach_a_members_open_page_without_a_reload() {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector files = testConnectors.add(org, "Acme files", server.url("/files"));
        Connector notes = testConnectors.add(org, "Acme notes", server.url("/notes"));

        member = new Browser("http://localhost:" + port + "/");
        // notes the WebSockets the page opens (before any of its scripts run), to tell which transport push uses
        ((org.openqa.selenium.chrome.ChromeDriver) member.driver()).executeCdpCommand(
                "Page.addScriptToEvaluateOnNewDocument", java.util.Map.of("source", """
                        window.liveSockets = [];
                        const Native = window.WebSocket;
                        window.WebSocket = function (url, protocols) {
                          const socket = protocols === undefined ? new Native(url) : new Native(url, protocols);
                          window.liveSockets.push({url: String(url), socket});
                          return socket;
                        };
                        window.WebSocket.prototype = Native.prototype;
                        for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) window.WebSocket[k] = Native[k];
                        """));
        member.signIn(org.members().getFirst().email(), TestOrganizations.PASSWORD);
        member.open("settings/connectors");
        member.find(By.id("connector-" + files.id()));
        member.find(By.id("connector-" + notes.id()));
        // marks this very page load, and notes when each card leaves the page
        js(member, """
                window.liveMark = 'same page';
                window.goneAt = {};
                new MutationObserver(() => {
                  for (const id of arguments[0]) {
                    if (!document.getElementById(id) && !window.goneAt[id]) window.goneAt[id] = Date.now();
                  }
                }).observe(document.body, {childList: true, subtree: true});
                """, java.util.List.of("connector-" + files.id(), "connector-" + notes.id()));
        member.screenshot(expectedTransport() + "-live-01-member-two-connectors");
        // server push runs through the console's security filters, CSP and CSRF (decision 0049)
        Object transport = js(member, """
                const open = (window.liveSockets || []).filter(s => s.url.includes('/VAADIN/push')
                    && s.socket.readyState === WebSocket.OPEN);
                if (open.length) return 'websocket';
                const polls = performance.getEntriesByType('resource')
                    .filter(e => e.name.includes('/VAADIN/push') && e.name.includes('long-polling'));
                return polls.length ? 'long-polling' : 'none';
                """);
        System.out.println("[live] push transport in the member's page: " + transport);
        assertThat(transport).isEqualTo(expectedTransport());

        owner = new Browser("http://localhost:" + port + "/");
        owner.signIn(org.owner().email(), TestOrganizations.PASSWORD);
        owner.open("connectors/" + notes.id());
        owner.find(By.id("toggle-connector"));
        owner.awaitText("Turn off");
        long disabledAt = (Long) js(owner, "return Date.now();");
        owner.find(By.id("toggle-connector")).click();
        owner.awaitText("Acme notes is turned off");

        // the member's open page drops the disabled connector by itself
        member.await(d -> d.findElements(By.id("connector-" + notes.id())).isEmpty());
        assertThat(member.driver().findElements(By.id("connector-" + files.id()))).hasSize(1);
        assertThat(js(member, "return window.liveMark;")).as("no reload").isEqualTo("same page");
        long disableMs = (Long) js(member, "return window.goneAt[arguments[0]];", "connector-" + notes.id())
                - disabledAt;
        member.screenshot(expectedTransport() + "-live-02-member-after-disable");

        owner.open("connectors/" + files.id());
        owner.find(By.id("remove-connector")).click();
        owner.awaitText("Every member's connection to it ends");
        long removedAt = (Long) js(owner, "return Date.now();");
        owner.find(By.cssSelector("vaadin-confirm-dialog [slot='confirm-button'], vaadin-button[slot='confirm-button']"))
                .click();
        owner.await(d -> d.getCurrentUrl().endsWith("/connectors"));

        member.await(d -> d.findElements(By.id("connector-" + files.id())).isEmpty());
        member.awaitText("No connectors yet");
        assertThat(js(member, "return window.liveMark;")).as("no reload").isEqualTo("same page");
        long removeMs = (Long) js(member, "return window.goneAt[arguments[0]];", "connector-" + files.id())
                - removedAt;
        member.screenshot(expectedTransport() + "-live-03-member-after-removal");

        // switched on again: it comes back to the member's page, still the same page load
        owner.open("connectors/" + notes.id());
        owner.awaitText("Turn on");
        owner.find(By.id("toggle-connector")).click();
        owner.awaitText("Acme notes is turned on");
        member.find(By.id("connector-" + notes.id()));
        assertThat(js(member, "return window.liveMark;")).isEqualTo("same page");
        System.out.println("[live] " + expectedTransport() + ": owner's click to the member's page changing: disable " + disableMs
                + " ms, remove " + removeMs + " ms (includes the owner's request)");
    }

    @Test
    void an_owners_tool_approval_reaches_a_members_open_conversation() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        Connector tools = testConnectors.addChecked(org, "Acme tools", open.url("/mcp"), null).connector();
        orgs.signIn(org.members().getFirst());
        var conversation = conversations.create("Live review");
        conversations.setEnabled(conversation.id(), tools.id(), true);
        TestOrganizations.signOut();

        try (Browser m = new Browser("http://localhost:" + port + "/");
                Browser o = new Browser("http://localhost:" + port + "/")) {
            m.signIn(org.members().getFirst().email(), TestOrganizations.PASSWORD);
            m.open("conversations/" + conversation.id());
            // new tools are held for an owner's review (decision 0017): the member sees it and cannot run it
            m.await(d -> text(m, "tool-echo").contains("Waiting for review"));
            js(m, "window.liveMark = 'same page';");
            m.screenshot(expectedTransport() + "-live-04-member-tool-held");

            o.signIn(org.owner().email(), TestOrganizations.PASSWORD);
            o.open("connectors/" + tools.id());
            var approve = o.find(By.id("approve-all-new"));
            js(o, "arguments[0].scrollIntoView({block: 'center'})", approve);
            o.await(d -> approve.isDisplayed() && approve.isEnabled());
            approve.click();
            o.awaitText("1 new tool approved.");

            m.await(d -> !text(m, "tool-echo").contains("Waiting for review")
                    && text(m, "tool-echo").contains("Repeats the message it is given"));
            assertThat(js(m, "return window.liveMark;")).as("no reload").isEqualTo("same page");
            m.screenshot(expectedTransport() + "-live-05-member-tool-approved");
        }
    }

    private static String text(Browser b, String id) {
        var found = b.driver().findElements(By.id(id));
        return found.isEmpty() ? "" : found.getFirst().getText();
    }

    private static Object js(Browser b, String script, Object... args) {
        return ((JavascriptExecutor) b.driver()).executeScript(script, args);
    }
}
