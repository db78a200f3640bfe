package org.connectorconsole.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.connectorconsole.base.Plan;
import org.connectorconsole.connector.ConnectorForm;
import org.connectorconsole.connector.ConnectorService;
import org.connectorconsole.support.TestOrganizations;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.PageLoadStrategy;
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
        int batch = Integer.getInteger("bench.batch", 10);
        String base = "http://localhost:" + port + "/";
        TestOrganizations.Org org = orgs.create(Plan.TEAM, sessions);
        orgs.signIn(org.owner());
        for (int i = 0; i < 10; i++) {
            connectors.add(ConnectorForm.of("Tools " + i, "https://tools-" + i + ".example/mcp"));
        }
        TestOrganizations.signOut();
        report("Sessions benchmark, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load " + McpProbeBenchmark.load() + ", Vaadin production mode (as deployed)");

        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        // pages load in the background while the driver fills other tabs' forms: every wait below is explicit
        options.setPageLoadStrategy(PageLoadStrategy.NONE);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,900",
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                // one HTTP cache for all hosts (cookies stay per host): a new session's host need not download the
                // front end again; this shortens the harness, it is not part of any figure
                "--disable-features=IntensiveWakeUpThrottling,SplitCacheByNetworkIsolationKey");
        ChromeDriver driver = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build(), options);
        try {
            // warm-up: one session through the same pages, then closed, so class loading is not counted
            String home = driver.getWindowHandle();
            String warm = open(driver, base, 1000);
            signIn(driver, warm, org.owner().email());
            showConnectors(driver, warm);
            driver.close();
            driver.switchTo().window(home);
            Thread.sleep(2000);
            Heap before = heap();
            List<String> tabs = new ArrayList<>();
            long t0 = System.nanoTime();
            // sign in `batch` tabs at a time: each tab is a new host, so it loads the whole front end once; those
            // loads overlap instead of queueing behind one another
            for (int from = 0; from < sessions; from += batch) {
                List<String> group = new ArrayList<>();
                for (int i = from; i < Math.min(sessions, from + batch); i++) {
                    group.add(open(driver, base, i));
                }
                for (int i = 0; i < group.size(); i++) {
                    signIn(driver, group.get(i), org.members().get(from + i).email());
                }
                for (String tab : group) {
                    afterSignIn(driver, tab);
                }
                for (String tab : group) {
                    showConnectors(driver, tab);
                }
                tabs.addAll(group);
            }
            report(String.format("%d sessions signed in (each its own tab, host, HTTP session and UI; %d at a time) "
                    + "in %.1f s", sessions, batch, (System.nanoTime() - t0) / 1e9));
            Thread.sleep(2000);
            Heap after = heap();
            report(String.format("live heap after full GC (class histogram): %.1f MB before, %.1f MB with %d "
                    + "signed-in UIs: %.0f kB per UI (target <= 300 kB); MemoryMXBean after System.gc(): "
                    + "%.1f MB -> %.1f MB, %.0f kB per UI", before.histogram / 1e6, after.histogram / 1e6, sessions,
                    (after.histogram - before.histogram) / 1024.0 / sessions, before.used / 1e6, after.used / 1e6,
                    (after.used - before.used) / 1024.0 / sessions));
            report(String.format("live instances: UI %d -> %d, VaadinSession %d -> %d", before.count("UI"),
                    after.count("UI"), before.count("VaadinSession"), after.count("VaadinSession")));
            report("biggest growth by class (bytes per UI, instances per UI):");
            after.growthOver(before).stream().limit(20).forEach(g -> report(String.format(
                    "  %8.1f kB  %7.1f  %s", g.bytes / 1024.0 / sessions, (double) g.instances / sessions,
                    g.name)));

            // every session navigates between Your connectors and Your account at once: each page clicks the side
            // navigation link and times, with performance.now(), until every Vaadin client is idle again and the
            // new view's own element is there (and the old one's gone); then waits 0.5-1.5 s and goes back
            String loop = """
                    window.__rt = []; window.__err = []; window.__stop = false;
                    const idle = () => Object.values(window.Vaadin.Flow.clients)
                        .every(c => !c.isActive || !c.isActive());
                    const views = [{path: 'account', mark: '#display-name', gone: '#member-connectors'},
                                   {path: 'settings/connectors', mark: '#member-connectors', gone: '#display-name'}];
                    let n = 0;
                    const link = path => {
                      const item = document.querySelector('vaadin-side-nav-item[path="' + path + '"]')
                          || document.querySelector('vaadin-side-nav-item[path="/' + path + '"]');
                      return item && item.shadowRoot && item.shadowRoot.querySelector('a');
                    };
                    const step = () => {
                      if (window.__stop) return;
                      const v = views[n++ % 2];
                      const a = link(v.path);
                      if (!a) { window.__err.push('no link ' + v.path); setTimeout(step, 1000); return; }
                      const t = performance.now();
                      a.click();
                      const wait = () => {
                        if (location.pathname.endsWith('/' + v.path) && document.querySelector(v.mark)
                            && !document.querySelector(v.gone) && idle()) {
                          window.__rt.push(performance.now() - t);
                          setTimeout(step, 500 + Math.random() * 1000);
                        } else if (performance.now() - t > 30000) {
                          window.__err.push('timeout ' + v.path); setTimeout(step, 1000);
                        } else { setTimeout(wait, 2); }
                      };
                      setTimeout(wait, 0);
                    };
                    setTimeout(step, Math.random() * 1000);
                    """;
            for (String tab : tabs) {
                driver.switchTo().window(tab);
                ((JavascriptExecutor) driver).executeScript(loop);
            }
            Thread.sleep(seconds * 500L);
            String loadDuring = McpProbeBenchmark.load();
            Thread.sleep(seconds * 500L);
            List<Double> all = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            int quiet = 0;
            for (String tab : tabs) {
                driver.switchTo().window(tab);
                ((JavascriptExecutor) driver).executeScript("window.__stop = true;");
            }
            Thread.sleep(2000);
            for (String tab : tabs) {
                driver.switchTo().window(tab);
                @SuppressWarnings("unchecked")
                List<Number> rt = (List<Number>) ((JavascriptExecutor) driver).executeScript("return window.__rt;");
                @SuppressWarnings("unchecked")
                List<String> err = (List<String>) ((JavascriptExecutor) driver).executeScript("return window.__err;");
                rt.forEach(x -> all.add(x.doubleValue()));
                errors.addAll(err);
                if (rt.isEmpty()) {
                    quiet++;
                }
            }
            if (all.isEmpty()) {
                throw new AssertionError("no round trip recorded; page errors: " + errors);
            }
            all.sort(Double::compare);
            report(String.format("%d sessions navigating at once for %d s (Your connectors <-> Your account, 0.5-1.5 s "
                    + "between clicks): %d round trips (%d sessions recorded none, %d errors %s), median %.0f ms, "
                    + "p95 %.0f ms, max %.0f ms (target p95 < 300 ms); load during %s", sessions, seconds,
                    all.size(), quiet, errors.size(), errors.stream().distinct().limit(3).toList(),
                    all.get(all.size() / 2), all.get((int) Math.ceil(all.size() * 0.95) - 1), all.getLast(),
                    loadDuring));
            Heap end = heap();
            report(String.format("live heap after the navigation phase: %.1f MB (%.0f kB per UI over the start); UI "
                    + "instances %d", end.histogram / 1e6, (end.histogram - before.histogram) / 1024.0 / sessions,
                    end.count("UI")));
            report("growth during the navigation phase by class (bytes per UI, instances per UI):");
            end.growthOver(after).stream().limit(12).forEach(g -> report(String.format(
                    "  %8.1f kB  %7.1f  %s", g.bytes / 1024.0 / sessions, (double) g.instances / sessions,
                    g.name)));
        } finally {
            driver.quit();
            Files.createDirectories(Path.of("target/bench"));
            Files.write(Path.of("target/bench/sessions.txt"), report);
        }
    }

    /**
     * A new tab loading the sign-in form under its own loopback address (127.0.0.N): cookies are kept per host, so
     * each tab has its own HTTP and Vaadin session. Returns at once (page load strategy none).
     */
    private static String open(ChromeDriver driver, String base, int n) {
        driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        driver.get(base.replace("localhost", "127.0." + (n / 250) + "." + (2 + n % 250)) + "login");
        return driver.getWindowHandle();
    }

    private static void signIn(ChromeDriver driver, String tab, String email) {
        driver.switchTo().window(tab);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(120));
        WebElement user = wait.until(d -> d.findElements(By.cssSelector("vaadin-login-form input[name='username']"))
                .stream().findFirst().orElse(null));
        user.sendKeys(email);
        WebElement pass = driver.findElement(By.cssSelector("vaadin-login-form input[name='password']"));
        pass.sendKeys(TestOrganizations.PASSWORD);
        pass.sendKeys(Keys.ENTER);
    }

    private static void afterSignIn(ChromeDriver driver, String tab) {
        driver.switchTo().window(tab);
        new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> !d.getCurrentUrl().endsWith("/login"));
        waitForVaadin(driver);
    }

    private static void showConnectors(ChromeDriver driver, String tab) {
        driver.switchTo().window(tab);
        driver.get(driver.getCurrentUrl().replaceAll("(https?://[^/]+/).*", "$1") + "settings/connectors");
        new WebDriverWait(driver, Duration.ofSeconds(120))
                .until(d -> !d.findElements(By.id("member-connectors")).isEmpty());
        waitForVaadin(driver);
    }

    private static void waitForVaadin(ChromeDriver driver) {
        new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> Boolean.TRUE.equals(((JavascriptExecutor) d)
                .executeScript("if (document.readyState !== 'complete') return false;"
                        + "const clients = window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients;"
                        + "if (!clients || Object.keys(clients).length === 0) return false;"
                        + "return Object.values(clients).every(c => !c.isActive || !c.isActive());")));
    }

    /** Live heap: the JVM's own class histogram (GC.class_histogram runs a full GC first and counts live objects). */
    private static Heap heap() throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        long used = memory.getHeapMemoryUsage().getUsed();
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        long total = 0;
        for (String line : text.split("\n")) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.matches()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            } else if (line.startsWith("Total")) {
                total = Long.parseLong(line.trim().split("\\s+")[2]);
            }
        }
        return new Heap(used, total, classes);
    }

    private static final Pattern HISTOGRAM_ROW = Pattern.compile("\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*");

    private record Growth(String name, long instances, long bytes) {
    }

    private record Heap(long used, long histogram, Map<String, long[]> classes) {

        long count(String simpleName) {
            return classes.entrySet().stream().filter(e -> e.getKey().endsWith("." + simpleName))
                    .mapToLong(e -> e.getValue()[0]).sum();
        }

        List<Growth> growthOver(Heap earlier) {
            return classes.entrySet().stream().map(e -> {
                long[] was = earlier.classes.getOrDefault(e.getKey(), new long[2]);
                return new Growth(e.getKey(), e.getValue()[0] - was[0], e.getValue()[1] - was[1]);
            }).sorted(Comparator.comparingLong(Growth::bytes).reversed()).toList();
        }
    }

    private void report(String line) {
        System.out.println("[bench] " + line);
        report.add(line);
    }
}
