package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connection.EnterpriseManagedService;
import org.connectorconsole.connector.Connector;
import org.connectorconsole.connector.ConnectorAccessService;
import org.connectorconsole.connector.ToolPolicy;
import org.connectorconsole.connector.ToolSettings;
import org.connectorconsole.conversation.Conversation;
import org.connectorconsole.conversation.ConversationService;
import org.connectorconsole.conversation.ToolCallEntry;
import org.connectorconsole.conversation.ToolCallListener;
import org.connectorconsole.conversation.ToolCallRequest;
import org.connectorconsole.gateway.GatewayEndpoints;
import org.connectorconsole.group.Group;
import org.connectorconsole.group.GroupService;
import org.connectorconsole.organization.InvitationService;
import org.connectorconsole.organization.IssuedInvitation;
import org.connectorconsole.provisioning.ScimCredentials;
import org.connectorconsole.security.Role;
import org.connectorconsole.security.AccountService;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.NpmPeer;
import org.connectorconsole.support.SuiteSecrets;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestMcpServer;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.connectorconsole.support.TestOrganizations.Person;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;

/**
 * Layouts that hold, and accessibility (issue 19): every page of the console, as the person who sees it and with
 * realistic data (long names, 24 tools, tools waiting for review, Custom badges, a conversation with many calls; an
 * Enterprise organization's groups, one with ten members and one with a long name, a connector offered only to groups
 * with grants, a SCIM credential, the organization's sign-in), and the dialogs a person opens on the way, at 1280,
 * 900 and 390 px wide. For each page and width: a full-page screenshot in {@code target/screenshots/}
 * ({@code <page>-<width>.png}), the layout check ({@code layout-check.js}: nothing outside the viewport sideways,
 * nothing spilling out of its box, nothing clipped except text ending in an ellipsis — decision 0050) and axe-core
 * (from npm) with no serious or critical violation. At 1280 px the keyboard check Tabs through the page: every
 * control is reached and every focus stop shows a focus indicator. All findings are collected and reported
 * together, naming page, width and element.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // a console of its own: its database starts with no organization, so the first-time setup page shows
        properties = "console.layout-journey=true")
@ActiveProfiles("test")
class LayoutJourneyTest {

    static final int[] WIDTHS = {1280, 900, 390};
    static final String REDIRECT = "http://127.0.0.1:53682/callback";

    static Browser browser;
    static TestMcpServer mcp;

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    TestConnectors testConnectors;
    @Autowired
    ConversationService conversations;
    @Autowired
    InvitationService invitations;
    @Autowired
    AccountService accounts;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    GroupService groups;
    @Autowired
    ConnectorAccessService access;
    @Autowired
    ScimCredentials scim;
    @Autowired
    EnterpriseManagedService enterprise;

    final List<String> findings = new ArrayList<>();
    String axe;
    String layoutCheck;
    String focusSetup;
    String focusResult;
    Group engineering;

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (mcp != null) {
            mcp.close();
        }
    }

    @Test
    void every_page_holds_its_layout_at_three_widths_and_passes_axe_and_the_keyboard_check() throws Exception {
        String node = NpmPeer.install(); // Node and axe-core from npm, into target/conformance
        Path axePath = Path.of(node).getParent().getParent().getParent().resolve("axe-core/axe.min.js");
        assertThat(axePath).as("axe-core installed by src/test/conformance/install.sh").exists();
        axe = Files.readString(axePath);
        layoutCheck = resource("layout-check.js");
        focusSetup = resource("focus-setup.js");
        focusResult = resource("focus-result.js");

        String base = "http://localhost:" + port;
        browser = new Browser(base + "/");
        browser.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(120));

        // ---- before anything exists: first-time setup, sign-in
        page("setup", "setup", "Setup code");

        // ---- data: an organization with long names, 24 tools, tools held for review, a conversation with calls
        mcp = new TestMcpServer()
                .streamable("/big", "customer-support-knowledge-base", manyTools(24))
                .streamable("/held", "finance-reporting", TestMcpServer.echoTool(), TestMcpServer.addTool())
                .streamable("/team", "engineering-runbooks", TestMcpServer.echoTool(), TestMcpServer.addTool());
        // Enterprise: the Team plan's pages are the same, and the groups have members enough to fill a list
        Org org = orgs.create(Plan.ENTERPRISE, 12);
        String orgName = "Northwind Traders International Holdings — Customer Operations Europe";
        jdbc.update("update organization set name = ? where id = ?", orgName, org.id().value());
        Person member = org.members().getFirst();
        orgs.signIn(member);
        accounts.rename("Maximiliana Alexandrova-Papadopoulou-Featherstonehaugh", accounts.me().version());
        TestOrganizations.signOut();
        Connector big = testConnectors.addChecked(org,
                "Customer Support Knowledge Base and Ticketing (EU production)", mcp.url("/big"),
                ToolSettings.NewTools.ALLOW).connector();
        Connector held = testConnectors.addChecked(org, "Finance reporting", mcp.url("/held"),
                ToolSettings.NewTools.HOLD).connector();
        orgs.signIn(org.owner());
        IssuedInvitation invitation = invitations.invite("new.colleague.with.a.rather.long.address@northwind.example",
                Role.MEMBER);
        TestOrganizations.signOut();
        String conversationPath = conversationWithCalls(member, big, held);
        Connector team = enterpriseData(org);

        // ---- not signed in: the sign-in page, an invitation
        page("sign-in", "login", null);
        page("invitation", invitation.path().substring(1), null);

        // ---- the owner
        signIn(org.owner());
        page("overview", "", null);
        page("members", "organization/members", null);
        confirmation("confirm-revoke-everything", By.id("revoke-everything-" + org.members().get(1).id()));
        browser.find(By.cssSelector("#invite-email input")).sendKeys("second.colleague.from.finance@northwind.example");
        dialog("invitation-link-shown-once", By.id("invite"), By.cssSelector("vaadin-dialog[opened]"));
        page("connectors", "connectors", "Custom");
        dialog("add-connector", By.id("add-connector"), By.id("connector-url"));
        page("connector", "connectors/" + big.id(), "search_customer_support_tickets_01");
        confirmation("confirm-remove-connector", By.id("remove-connector"));
        page("connector-held", "connectors/" + held.id(), "waiting for your review");
        browser.open("connectors/" + held.id());
        var review = browser.find(By.id("review-echo"));
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].scrollIntoView({block: 'center'})", review);
        review.click();
        browser.find(By.id("approve-tool"));
        checkOpenPage("tool-review");
        browser.driver().findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        page("connections-overview", "organization/connections", null);
        page("audit-log", "organization/audit", null);
        auditTokenDialogs();
        page("gateway-settings", "organization/gateway", null);
        page("members-apps-empty", "organization/authorized-apps", "No member has allowed an app yet");
        page("account-owner", "account", null);
        enterprisePages(team);

        // ---- a member
        signIn(member);
        page("member-connectors", "settings/connectors", "Allowed for Engineering");
        page("conversations", "conversations", null);
        page("conversation", conversationPath, "Waiting for review");
        page("not-allowed", "organization/members", null);
        page("not-found", "conversations/no-such-conversation", null);
        page("authorized-apps-empty", "settings/authorized-apps", "No app holds access");
        consentPage(base, org, member);
        page("authorized-apps", "settings/authorized-apps", "Claude Desktop on the support team");
        page("account-member", "account", null);

        // ---- the owner again: the members' apps, now with one
        signIn(org.owner());
        page("members-apps", "organization/authorized-apps", "Claude Desktop on the support team");

        Files.write(Path.of("target", "screenshots", "layout-findings.txt"), findings);
        assertThat(findings).as("layout, axe-core and keyboard findings (screenshots in target/screenshots/)")
                .isEmpty();
    }

    // ------------------------------------------------------------------ data

    static SyncToolSpecification[] manyTools(int count) {
        String[] verbs = {"search_customer_support_tickets", "summarise_conversation_thread_for_handover",
                "create_knowledge_base_article_draft", "escalate_ticket_to_tier_two_support"};
        SyncToolSpecification[] tools = new SyncToolSpecification[count];
        for (int i = 0; i < count; i++) {
            String name = verbs[i % verbs.length] + "_%02d".formatted(i + 1);
            McpSchema.Tool tool = McpSchema.Tool.builder(name)
                    .description("Looks through every open and archived ticket of the support organization and "
                            + "returns the ones that match, with their priority, assignee and the last three replies")
                    .inputSchema(Map.of("type", "object", "properties",
                            Map.of("message", Map.of("type", "string", "description", "What to look for")),
                            "required", List.of("message")))
                    .build();
            tools[i] = new SyncToolSpecification(tool, (exchange, request) -> McpSchema.CallToolResult.builder()
                    .addTextContent("Found 3 tickets for " + request.arguments().get("message")
                            + ": #48213 Refund not received after cancelling the annual subscription, #48190 Cannot "
                            + "sign in with single sign-on since the identity provider changed its certificate, "
                            + "#47702 Export of invoices as CSV cuts off after 10,000 rows")
                    .build());
        }
        return tools;
    }

    /**
     * The Enterprise pages' data, made by the owner: three groups (Engineering with ten members, the first member
     * among them; one with a long name), a connector offered only to two groups with a ceiling and grants, a SCIM
     * credential, and the organization's sign-in (token exchange).
     */
    Connector enterpriseData(Org org) throws Exception {
        Connector team = testConnectors.addChecked(org, "Engineering runbooks and on-call playbooks (production)",
                mcp.url("/team"), ToolSettings.NewTools.ALLOW).connector();
        orgs.signIn(org.owner());
        try {
            engineering = groups.create("Engineering");
            org.members().subList(0, 10).forEach(p -> groups.addMember(engineering.id(), p.id()));
            Group escalations = groups.create("Customer Operations Europe — tier-two escalations and onboarding");
            groups.addMember(escalations.id(), org.members().get(10).id());
            groups.create("Finance");
            access.setAudience(team.id(), false, List.of(engineering.id(), escalations.id()),
                    access.settings(team.id()).version());
            access.setRules(team.id(), ToolPolicy.NEEDS_APPROVAL, ToolPolicy.BLOCKED, false,
                    access.settings(team.id()).version());
            access.setGrant(team.id(), engineering.id(), "", ToolPolicy.ALLOWED);
            access.setGrant(team.id(), escalations.id(), "echo", ToolPolicy.ALLOWED);
            scim.create("Okta — Northwind Traders production tenant (EU)");
            String secret = "layout-journey-client-secret-" + java.util.UUID.randomUUID();
            SuiteSecrets.register(secret);
            enterprise.saveTokenExchange(true, mcp.url("/oauth2/v1/token"), "connector-console-northwind-production",
                    secret);
        } finally {
            TestOrganizations.signOut();
        }
        return team;
    }

    /**
     * The owner's Enterprise pages: groups and a group's members, provisioning and a new credential shown once, the
     * registry in each mode and its token shown once, the organization's sign-in, and a connector offered to groups
     * with its grants and the explanation of a member's modes.
     */
    void enterprisePages(Connector team) {
        page("groups", "organization/groups", "Customer Operations Europe");
        dialog("group-members", By.id("members-" + engineering.id()), By.id("group-members"));
        page("provisioning", "organization/provisioning", "Okta — Northwind");
        browser.find(By.cssSelector("#scim-credential-name input")).sendKeys("Microsoft Entra ID — staging directory");
        browser.find(By.id("scim-credential-create")).click();
        browser.awaitText("it is shown only this once");
        SuiteSecrets.register(browser.find(By.cssSelector("#scim-credential-secret input")).getAttribute("value"));
        checkOpenPage("provisioning-credential-shown-once");
        closeDialog();
        page("registry-off", "organization/registry", "Who may read it");
        registryMode(2, "Saved: anyone with the address");
        page("registry-public", "organization/registry", "Who may read it");
        registryMode(3, "Saved: readers need the registry's token");
        browser.awaitText("it is shown only this once");
        // the "Saved" notice fades out on its own clock: checked with the dialog it would be read mid-fade
        browser.await(d -> d.findElements(By.tagName("vaadin-notification-card")).isEmpty());
        SuiteSecrets.register(browser.find(By.cssSelector("#registry-token input")).getAttribute("value"));
        checkOpenPage("registry-token-shown-once");
        closeDialog();
        page("registry-token", "organization/registry", "Issue a new token");
        page("enterprise-sign-in", "organization/enterprise-sign-in", "Engineering runbooks");
        page("connector-access", "connectors/" + team.id(), "Groups' grants");
        var member = browser.find(By.cssSelector("#explain-member input"));
        ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].scrollIntoView({block: 'center'})", member);
        member.sendKeys("Maximiliana");
        browser.find(By.cssSelector("vaadin-combo-box-item")).click();
        browser.awaitText("may use this connector.");
        browser.awaitText("Allowed for Engineering");
        checkOpenPage("connector-access-explained");
    }

    /** The audit log's "New API token" dialog, and the token shown once in it. */
    void auditTokenDialogs() {
        var create = By.xpath("//vaadin-button[contains(., 'New API token')]");
        try {
            var button = browser.find(create);
            ((JavascriptExecutor) browser.driver())
                    .executeScript("arguments[0].scrollIntoView({block: 'center'})", button);
            button.click();
            browser.find(By.cssSelector("#token-name input")).sendKeys("SIEM export to the security operations team");
        } catch (RuntimeException | AssertionError e) {
            findings.add("api-token: did not open: " + e.getMessage());
            return;
        }
        checkOpenPage("api-token");
        browser.find(By.id("token-create")).click();
        SuiteSecrets.register(browser.find(By.cssSelector("#token-secret input")).getAttribute("value"));
        checkOpenPage("api-token-shown-once");
        closeDialog();
    }

    void registryMode(int radio, String saved) {
        browser.find(By.cssSelector("#registry-access vaadin-radio-button:nth-of-type(" + radio + ")")).click();
        browser.find(By.id("registry-save")).click();
        browser.awaitText(saved);
    }

    /** Opens a dialog with a click on the open page, checks it as a page, and closes it. */
    void dialog(String name, By opener, By inside) {
        try {
            var button = browser.find(opener);
            ((JavascriptExecutor) browser.driver())
                    .executeScript("arguments[0].scrollIntoView({block: 'center'})", button);
            button.click();
            browser.find(inside);
        } catch (RuntimeException | AssertionError e) {
            findings.add(name + ": did not open: " + e.getMessage());
            return;
        }
        checkOpenPage(name);
        closeDialog();
    }

    /** A confirmation opened by a click: checked, then cancelled. */
    void confirmation(String name, By opener) {
        dialog(name, opener, By.cssSelector("vaadin-confirm-dialog[opened]"));
    }

    void closeDialog() {
        new Actions(browser.driver()).sendKeys(Keys.ESCAPE).perform();
        browser.await(d -> d.findElements(By.cssSelector("vaadin-dialog[opened], vaadin-confirm-dialog[opened]"))
                .isEmpty());
    }

    /** The member's conversation with both connectors switched on and six finished calls. */
    String conversationWithCalls(Person member, Connector big, Connector held) throws Exception {
        orgs.signIn(member);
        try {
            Conversation c = conversations.create("Quarterly support review with the customer operations team");
            conversations.setEnabled(c.id(), big.id(), true);
            conversations.setEnabled(c.id(), held.id(), true);
            for (int i = 1; i <= 6; i++) {
                CompletableFuture<ToolCallEntry> done = new CompletableFuture<>();
                conversations.start(new ToolCallRequest(c.id(), big.id(), "search_customer_support_tickets_01",
                        "{\"message\":\"refunds and sign-in problems reported by enterprise customers in week " + i
                                + "\"}", null), new ToolCallListener() {
                                    @Override
                                    public void progress(org.connectorconsole.mcp.McpToolSession.Progress p) {
                                    }

                                    @Override
                                    public void finished(ToolCallEntry entry) {
                                        done.complete(entry);
                                    }
                                });
                done.get(60, TimeUnit.SECONDS);
            }
            return "conversations/" + c.id().value();
        } finally {
            TestOrganizations.signOut();
        }
    }

    /** A registered app asks the member for their endpoint: the consent page; Allow gives the app a grant. */
    void consentPage(String base, Org org, Person member) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/register"))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"client_name":"Claude Desktop on the support team's shared workstation",
                         "redirect_uris":["%s"],"token_endpoint_auth_method":"none",
                         "grant_types":["authorization_code","refresh_token"],"response_types":["code"]}
                        """.formatted(REDIRECT))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        String clientId = tools.jackson.databind.json.JsonMapper.builder().build().readTree(registered.body())
                .path("client_id").asString();
        byte[] random = new byte[48];
        new java.security.SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", REDIRECT);
        params.put("state", "layout-journey");
        params.put("code_challenge", challenge);
        params.put("code_challenge_method", "S256");
        params.put("resource", base + GatewayEndpoints.memberPath(org.id(), member.id()));
        StringBuilder query = new StringBuilder("oauth2/authorize?");
        params.forEach((k, v) -> query.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        browser.open(query.substring(0, query.length() - 1));
        browser.find(By.id("consent-allow"));
        checkOpenPage("consent");
        browser.find(By.id("consent-allow")).click();
        browser.await(d -> d.getCurrentUrl().startsWith(REDIRECT));
        String code = URI.create(browser.driver().getCurrentUrl()).getQuery().replaceAll(".*code=([^&]*).*", "$1");
        SuiteSecrets.register(code);
        // the app redeems the code, as a real one does: only then does it hold a grant (Authorized apps lists it)
        StringBuilder form = new StringBuilder();
        Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "client_id", clientId,
                "code_verifier", verifier, "resource", params.get("resource")).forEach((k, v) -> form
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&'));
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form.substring(0, form.length() - 1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
        var tokens = tools.jackson.databind.json.JsonMapper.builder().build().readTree(token.body());
        SuiteSecrets.register(tokens.path("access_token").asString(), tokens.path("refresh_token").asString());
    }

    // ------------------------------------------------------------------ the checks

    void signIn(Person person) {
        browser.driver().manage().deleteAllCookies();
        browser.signIn(person.email(), TestOrganizations.PASSWORD);
    }

    void page(String name, String path, String expectedText) {
        try {
            browser.open(path);
            if (expectedText != null) {
                browser.awaitText(expectedText);
            }
        } catch (RuntimeException | AssertionError e) {
            // the other pages are still checked; this one is reported
            findings.add(name + ": did not open /" + path + ": " + e.getMessage());
            return;
        }
        checkOpenPage(name);
    }

    /** The page as it is, at each width: screenshot, layout, axe-core; the keyboard check at the first width. */
    void checkOpenPage(String name) {
        try {
            checkAtEachWidth(name);
        } finally {
            try {
                Files.createDirectories(Path.of("target", "screenshots"));
                Files.write(Path.of("target", "screenshots", "layout-findings.txt"), findings);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    void checkAtEachWidth(String name) {
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        for (int width : WIDTHS) {
            resize(width, width < 600 ? 844 : 900);
            settle();
            @SuppressWarnings("unchecked")
            List<String> layout = (List<String>) js.executeScript(layoutCheck);
            layout.forEach(p -> findings.add(name + " at " + width + " px: " + p));
            js.executeScript(axe);
            Object violations = js.executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.impact + ' ' + v.id + ' (' + v.help + '): ' + v.nodes.slice(0, 4)
                            .map(n => JSON.stringify(n.target) + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
                            .join(' | '))))
                      .catch(e => done(['axe-core failed: ' + e]));
                    """);
            @SuppressWarnings("unchecked")
            List<String> axeFindings = (List<String>) violations;
            axeFindings.forEach(v -> findings.add(name + " at " + width + " px: axe " + v));
            if (width == WIDTHS[0]) {
                keyboard(name, js);
            }
            fullPageScreenshot(name + "-" + width, width, width < 600 ? 844 : 900);
        }
        resize(WIDTHS[0], 900);
    }

    void keyboard(String name, JavascriptExecutor js) {
        long controls = (Long) js.executeScript(focusSetup);
        long limit = Math.min(controls + 12, 220);
        for (int pressed = 0; pressed < limit; pressed += 10) {
            Actions tabs = new Actions(browser.driver());
            for (int i = 0; i < 10; i++) {
                tabs.sendKeys(Keys.TAB);
            }
            tabs.perform();
            Boolean wrapped = (Boolean) js.executeScript("const l = window.__focusLog;"
                    + "return l.length > 1 && l.slice(1).some(e => e.el === l[0].el);");
            if (Boolean.TRUE.equals(wrapped)) {
                break;
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) js.executeScript(focusResult);
        @SuppressWarnings("unchecked")
        List<String> unreached = (List<String>) result.get("unreached");
        @SuppressWarnings("unchecked")
        List<String> noRing = (List<String>) result.get("noRing");
        System.out.println("[layout] " + name + ": " + result.get("controls") + " controls, " + result.get("stops")
                + " focus stops");
        unreached.forEach(c -> findings.add(name + ": not reached by Tab: " + c));
        noRing.forEach(c -> findings.add(name + ": focused without a visible focus indicator: " + c));
    }

    /** Sets the viewport (not the window) to this width: the window's frame is measured and added. */
    void resize(int width, int height) {
        var window = browser.driver().manage().window();
        JavascriptExecutor js = (JavascriptExecutor) browser.driver();
        int outer = width;
        long inner = -1;
        for (int attempt = 0; attempt < 5 && inner != width; attempt++) {
            window.setSize(new Dimension(outer, height));
            browser.waitForVaadin();
            inner = (Long) js.executeScript("return window.innerWidth;");
            // headless Chromium's frame is a few pixels at most; a stale reading must not throw the size off
            outer = Math.max(width, Math.min(width + 64, outer + (int) (width - inner)));
        }
        assertThat(inner).as("viewport width").isEqualTo(width);
    }

    /** Waits for Vaadin, fonts and two animation frames (layout after a resize), and for no running animation. */
    void settle() {
        browser.waitForVaadin();
        ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                document.fonts.ready.then(() => requestAnimationFrame(() => requestAnimationFrame(() => {
                  const running = () => document.getAnimations().filter(a => a.playState === 'running'
                      && a.effect && a.effect.getTiming().iterations !== Infinity);
                  Promise.all(running().map(a => a.finished.catch(() => null))).then(() => done(true));
                })));
                """);
    }

    /**
     * The whole page: the viewport is made as tall as the longest scrolling area (the app layout scrolls its
     * content, not the document), captured, and set back.
     */
    void fullPageScreenshot(String name, int width, int height) {
        var driver = (org.openqa.selenium.chrome.ChromeDriver) browser.driver();
        long full = (Long) driver.executeScript("""
                const all = [document.documentElement];
                const walk = (root) => { for (const el of root.querySelectorAll('*')) {
                    all.push(el); if (el.shadowRoot) walk(el.shadowRoot); } };
                walk(document);
                let extra = 0;
                for (const el of all) {
                  el.scrollTop = 0;
                  const cs = getComputedStyle(el);
                  if ((cs.overflowY === 'auto' || cs.overflowY === 'scroll' || el === document.documentElement)
                      && el.clientHeight > window.innerHeight / 2) {
                    extra = Math.max(extra, el.scrollHeight - el.clientHeight);
                  }
                }
                window.scrollTo(0, 0);
                // no focus ring left over from the keyboard check in the picture
                if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
                return Math.min(window.innerHeight + extra, 12000);
                """);
        try {
            Files.createDirectories(Path.of("target", "screenshots"));
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width,
                    "height", full, "deviceScaleFactor", 1, "mobile", false));
            settle();
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
            Files.write(Path.of("target", "screenshots", name + ".png"),
                    Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    static String resource(String name) throws IOException {
        try (var in = LayoutJourneyTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
