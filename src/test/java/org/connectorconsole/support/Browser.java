package org.connectorconsole.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) driving the console, with
 * helpers that see through Vaadin's shadow DOM. Fails with the install command when the browser is missing.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final String baseUrl;
    private final Path downloads;

    public Browser(String baseUrl) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("Browser journeys need Chromium and its driver at " + CHROMIUM + " and "
                    + CHROMEDRIVER + ": run 'apt-get install chromium chromium-driver' (.ci/run does).");
        }
        this.baseUrl = baseUrl;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1280,900");
        try {
            downloads = Files.createTempDirectory("browser-downloads");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        options.setExperimentalOption("prefs", java.util.Map.of("download.default_directory",
                downloads.toAbsolutePath().toString(), "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    /** Where this browser saves downloads. */
    public Path downloads() {
        return downloads;
    }

    public void open(String path) {
        driver.get(baseUrl + path);
        waitForVaadin();
    }

    public WebDriver driver() {
        return driver;
    }

    public String currentPath() {
        return driver.getCurrentUrl().substring(baseUrl.length());
    }

    /** Waits until Vaadin has no request in flight. */
    public void waitForVaadin() {
        await(d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "if (document.readyState !== 'complete') return false;"
                        + "const clients = window.Vaadin && window.Vaadin.Flow && window.Vaadin.Flow.clients;"
                        + "if (!clients) return false;"
                        + "return Object.values(clients).every(c => !c.isActive || !c.isActive());")));
    }

    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
    }

    /** All text on the page, including inside shadow roots and overlays. */
    public String text() {
        return (String) ((JavascriptExecutor) driver).executeScript("""
                const parts = [];
                const walk = (node) => {
                  if (node.nodeType === Node.TEXT_NODE) { parts.push(node.textContent); return; }
                  if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
                  if (node.tagName === 'SCRIPT' || node.tagName === 'STYLE') return;
                  if (node.shadowRoot) walk(node.shadowRoot);
                  for (const child of node.childNodes) walk(child);
                };
                walk(document.body);
                return parts.join(' ').replace(/\\s+/g, ' ');
                """);
    }

    public void awaitText(String expected) {
        try {
            await(d -> text().contains(expected));
        } catch (RuntimeException e) {
            throw new AssertionError("Expected the page to show '" + expected + "' but it shows: " + text(), e);
        }
    }

    public WebElement find(By by) {
        return await(d -> {
            var found = d.findElements(by);
            return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
        });
    }

    public void signIn(String email, String password) {
        open("login");
        WebElement user = find(By.cssSelector("vaadin-login-form input[name='username']"));
        user.clear();
        user.sendKeys(email);
        WebElement pass = find(By.cssSelector("vaadin-login-form input[name='password']"));
        pass.clear();
        pass.sendKeys(password);
        pass.sendKeys(org.openqa.selenium.Keys.ENTER);
        try {
            await(d -> !d.getCurrentUrl().endsWith("/login"));
        } catch (RuntimeException e) {
            throw new AssertionError("Signing in as " + email + " did not leave " + driver.getCurrentUrl()
                    + "; the page shows: " + text(), e);
        }
        waitForVaadin();
    }

    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
            return target;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
