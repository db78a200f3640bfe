package org.connectorconsole.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.connectorconsole.base.Plan;
import org.connectorconsole.support.Browser;
import org.connectorconsole.support.TestConnectors;
import org.connectorconsole.support.TestOrganizations;
import org.connectorconsole.support.TestOrganizations.Org;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/** An owner, in a real browser: filters the audit log, then downloads the filtered events as CSV. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class AuditJourneyTest {

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
    void owner_filters_the_log_and_downloads_a_csv_export() throws Exception {
        Org org = orgs.create(Plan.TEAM, 1);
        testConnectors.add(org, "Payroll tools", "https://payroll.example.com/mcp");
        testConnectors.add(org, "Wiki", "https://wiki.example.com/mcp");

        browser = new Browser("http://localhost:" + port + "/");
        Browser b = browser;
        b.signIn(org.owner().email(), TestOrganizations.PASSWORD);
        b.find(By.cssSelector("vaadin-side-nav-item[path='organization/audit']")).click();
        b.waitForVaadin();
        b.awaitText("Audit log");
        b.awaitText("connector.added");
        b.awaitText("session.signed_in");
        b.screenshot("30-audit-log");

        var search = b.find(By.cssSelector("#filter-search input"));
        search.sendKeys("Payroll");
        b.find(By.id("filter-apply")).click();
        b.waitForVaadin();
        // one event left: the connector Payroll tools being added (event #2 of this organization)
        b.awaitText("Events #2 to #2, newest first");
        b.screenshot("31-audit-log-filtered");

        b.find(By.cssSelector("#export-csv vaadin-button")).click();
        // the connector's addition, and the export's own start (it names the search text "Payroll")
        b.awaitText("Exported 2 events as CSV.");
        Path file = b.await(d -> {
            try (Stream<Path> files = Files.list(b.downloads())) {
                return files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElse(null);
            } catch (java.io.IOException e) {
                return null;
            }
        });
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("id,seq,occurred_at,");
        assertThat(lines.get(1)).contains("connector.added").contains("Payroll tools");
        assertThat(lines.get(2)).contains("audit.exported").contains("Payroll");
        b.screenshot("32-audit-exported");
    }
}
