package dev.dockhand.webapp;

import dev.dockhand.sandbox.TestTrees;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium, with a fresh profile each time, at phone size
 * unless told otherwise. Never lets Selenium Manager download a driver or browser. Not thread-safe:
 * one test thread per browser.
 */
final class Browser implements AutoCloseable {
  static final Dimension PHONE = new Dimension(375, 812);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  private final Path profile;
  private final ChromeDriver driver;
  private final URI base;

  private Browser(URI base, Dimension size, boolean notificationsAllowed) throws IOException {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    System.setProperty("SE_OFFLINE", "true");
    this.base = base;
    this.profile = Files.createTempDirectory("dockhand-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--user-data-dir=" + profile,
        "--window-size=" + size.width + "," + size.height);
    if (notificationsAllowed) {
      // The page asks for notifications after a submit; answer as a person who said yes.
      options.setExperimentalOption(
          "prefs", Map.of("profile.default_content_setting_values.notifications", 1));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(PATIENCE);
    resize(size);
  }

  static Browser open(URI base) throws IOException {
    return open(base, PHONE);
  }

  static Browser open(URI base, Dimension size) throws IOException {
    return new Browser(base, size, true);
  }

  /** A browser that has not been asked about notifications yet (their permission: default). */
  static Browser openUndecided(URI base, Dimension size) throws IOException {
    return new Browser(base, size, false);
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Sets the viewport (not the window) to this size, as a phone would have it. */
  void resize(Dimension size) {
    driver.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of(
            "width",
            size.width,
            "height",
            size.height,
            "deviceScaleFactor",
            2,
            "mobile",
            size.width < 600));
  }

  /** Emulates the system's dark (or light) colour scheme preference. */
  void darkTheme(boolean dark) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of(
            "features",
            List.of(Map.of("name", "prefers-color-scheme", "value", dark ? "dark" : "light"))));
  }

  void go(String hashPath) {
    driver.get(base.resolve("/") + "#" + hashPath);
  }

  /** Opens the app and stores the token where the app keeps it, as the sign-in form would. */
  void signInWithToken(String token) {
    go("/");
    find(By.id("token")).sendKeys(token);
    find(By.cssSelector("form button[type=submit]")).click();
    waitFor(d -> !d.findElements(By.cssSelector(".topbar")).isEmpty());
  }

  WebElement find(By by) {
    return waitFor(
        d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
  }

  List<WebElement> all(By by) {
    return driver.findElements(by);
  }

  <T> T waitFor(Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, PATIENCE)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition::apply);
  }

  Object script(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** A PNG of the whole page as it looks now, under target/screenshots/. */
  Path screenshot(String name) throws IOException {
    Path directory = Path.of("target", "screenshots");
    Files.createDirectories(directory);
    Path file = directory.resolve(name + ".png");
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      TestTrees.delete(profile);
    }
  }
}
