package org.connectorconsole.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.TestOrganizations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * On demand ({@code src/bench/sessions.sh}): real Chromium sessions against the console in this JVM. Each session
 * is a tab of one headless Chromium under its own loopback address (127.0.0.N: own cookies, so its own HTTP and
 * Vaadin session),
 * signed in as a different member, showing Your connectors (10 connectors). Measures the live heap per signed-in
 * UI after GC, then lets every session navigate between Your connectors and Your account at once for a while,
 * each page timing its own server round trips (click to Vaadin idle). Figures to stdout and
 * target/bench/sessions.txt.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@Tag("benchmark")
class SessionsBenchmark {

    @LocalServerPort
    int port;
    @Autowired
    TestOrganizations orgs;
    @Autowired
    ConnectorService connectors;

    private final List<String> report = new ArrayList<>();

    @Test
    void heap_per_signed_in_ui_and_round_trips_under_concurrent_sessions() throws Exception {
        int sessions = Integer.getInteger("bench.sessions", 50);
        int seconds = Integer.getInteger("bench.seconds", 60);
        String base = "http://localhost:" + port + "/";
        TestOrganizations.Org org = orgs.create(Plan.TEAM, sessions);
        orgs.signIn(org.owner());
        for (int i = 0; i < 10; i++) {
            connectors.add(ConnectorForm.of("Tools " + i, "https://tools-" + i + ".example/mcp"));
        }
        TestOrganizations.signOut();
        report("Sessions benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load " + McpProbeBenchmark.load());

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,900",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows");
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
        try {
            // warm-up: one session through the same pages, then closed, so class loading is not counted
            String home = driver.getWindowHandle();
            open(driver, base, 1000);
            signIn(driver, org.owner().email());
            driver.close();
            driver.switchTo().window(home);
            Thread.sleep(2000);
            long before = liveHeapAfterGc();
            List<String> tabs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < sessions; i++) {
                tabs.add(open(driver, base, i));
                signIn(driver, org.members().get(i).email());
                driver.get(driver.getCurrentUrl().replaceAll("/[^/]*$", "/") + "settings/connectors");
                waitForVaadin(driver);
            }
            report(String.format("%d sessions signed in (each its own tab, host and session) in %.1f s", sessions,
                    (System.nanoTime() - t0) / 1e9));
            long after = liveHeapAfterGc();
            report(String.format("live heap after GC: %.1f MB before, %.1f MB with %d signed-in UIs: %.0f kB per "
                    + "UI (target <= 300 kB)", before / 1e6, after / 1e6, sessions,
                    (after - before) / 1024.0 / sessions));

            // every session navigates between its two pages at once, timing each round trip in the page itself
            String loop = """
                    window.__rt = []; window.__stop = false;
                    const idle = () => Object.values(window.Vaadin.Flow.clients).every(c => !c.isActive || !c.isActive());
                    const paths = ['account', 'settings/connectors'];
                    let n = 0;
                    const step = () => {
                      if (window.__stop) return;
                      const path = paths[n++ % 2];
                      const item = document.querySelector('vaadin-side-nav-item[path="' + path + '"]');
                      const t = performance.now();
                      item.click();
                      const wait = () => {
                        if (idle() && location.pathname.endsWith(path)) {
                          window.__rt.push(performance.now() - t);
                          setTimeout(step, 500 + Math.random() * 1000);
                        } else { setTimeout(wait, 2); }
                      };
                      setTimeout(wait, 2);
                    };
                    setTimeout(step, Math.random() * 1000);
                    """;
            for (String tab : tabs) {
                driver.switchTo().window(tab);
                ((JavascriptExecutor) driver).executeScript(loop);
            }
            String loadDuring = McpProbeBenchmark.load();
            Thread.sleep(seconds * 1000L);
            List<Double> all = new ArrayList<>();
            for (String tab : tabs) {
                driver.switchTo().window(tab);
                @SuppressWarnings("unchecked")
                List<Number> rt = (List<Number>) ((JavascriptExecutor) driver).executeScript(
                        "window.__stop = true; return window.__rt;");
                rt.forEach(x -> all.add(x.doubleValue()));
            }
            all.sort(Double::compare);
            report(String.format("%d sessions navigating at once for %d s: %d round trips, median %.0f ms, p95 %.0f "
                    + "ms, max %.0f ms (target p95 < 300 ms); load during %s", sessions, seconds, all.size(),
                    all.get(all.size() / 2), all.get((int) Math.ceil(all.size() * 0.95) - 1), all.getLast(),
                    loadDuring));
        } finally {
            driver.quit();
            Files.createDirectories(Path.of("target/bench"));
            Files.write(Path.of("target/bench/sessions.txt"), report);
        }
    }

    /**
     * A new tab at the sign-in form under its own loopback address (127.0.0.N): cookies are kept per host, so each
     * tab has its own HTTP and Vaadin session; the driver is switched to it.
     */
    private static String open(ChromeDriver driver, String base, int n) {
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        driver.get(base.replace("localhost", "127.0." + (n / 250) + "." + (2 + n % 250)) + "login");
        return driver.getWindowHandle();
    }

    private static void signIn(ChromeDriver driver, String email) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        WebElement user = wait.until(d -> d.findElements(By.cssSelector("vaadin-login-form input[name='username']"))
                .stream().findFirst().orElse(null));
        user.sendKeys(email);
        WebElement pass = driver.findElement(By.cssSelector("vaadin-login-form input[name='password']"));
        pass.sendKeys(TestOrganizations.PASSWORD);
        pass.sendKeys(Keys.ENTER);
        wait.until(d -> !d.getCurrentUrl().endsWith("/login"));
        waitForVaadin(driver);
    }

    private static void waitForVaadin(ChromeDriver driver) {
        new WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d)
                .executeScript("if (document.readyState !== 'complete') return false;"
                        + "const clients = window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients;"
                        + "if (!clients) return false;"
                        + "return Object.values(clients).every(c => !c.isActive || !c.isActive());")));
    }

    private static long liveHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(500);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private void report(String line) {
        System.out.println("[bench] " + line);
        report.add(line);
    }
}
