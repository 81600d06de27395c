package dev.dockhand.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.web.WebHarness;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * A repository's environment in Debian's headless Chromium at phone size: its settings page against
 * the real server and API, and a task's setup as the task page shows it. The server runs no tasks
 * here (no Docker): the setup's events and live output are stored and published as the pipeline
 * would, so the page's live folding is what is tested.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvironmentBrowserTest {
  private WebHarness harness;
  private Browser browser;

  /** One server for the class: each test has its own repository or task, and its own browser. */
  @BeforeAll
  void startServer() throws Exception {
    harness = WebHarness.start();
  }

  @AfterAll
  void stopServer() throws Exception {
    harness.close();
  }

  @BeforeEach
  void openBrowser() throws Exception {
    browser = Browser.open(URI.create(harness.origin()));
    browser.signInWithToken(harness.adminToken());
  }

  @AfterEach
  void closeBrowser() {
    browser.close();
  }

  @Test
  void settingsSavedFromThePageAreStoredAndARefusedVariableNameIsShownAtItsRow() throws Exception {
    browser.go("/new");
    browser.find(By.id("repo")).sendKeys("acme/widgets");
    browser.find(By.id("prompt")).sendKeys("Fix the build");
    browser.script("window.scrollTo(0, 0)");
    browser.screenshot("new-task-environment-link-phone");
    browser.find(By.cssSelector("[data-environment-link]")).click();

    assertThat(browser.find(By.cssSelector("[data-env-source]")).getText())
        .startsWith("None saved")
        .contains(".devcontainer/devcontainer.json");
    browser.find(By.id("env-setup")).sendKeys("npm ci\nnpm run build");
    browser.find(By.id("env-checks")).sendKeys("npm test");
    assertThat(browser.find(By.id("env-lockfiles")).getAttribute("placeholder"))
        .contains("package-lock.json", "Cargo.lock");
    addVariable("NODE_ENV", "test");
    addVariable("1BAD", "x");
    assertThat(browser.find(By.id("env-note")).getText()).contains("plain text");
    browser.find(By.cssSelector("button[type=submit]")).click();

    WebElement error = browser.find(By.id("env-error"));
    assertThat(error.getText()).contains("1BAD");
    WebElement badName = nameInput(1);
    assertThat(badName.getAttribute("aria-invalid")).isEqualTo("true");
    // Focus moves to the refused field on the next animation frame.
    browser.waitFor(d -> d.switchTo().activeElement().equals(badName));
    assertThat(nameInput(0).getAttribute("aria-invalid")).isNull();
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(375L);
    browser.screenshot("environment-field-error-phone");

    badName.clear();
    badName.sendKeys("CI");
    assertThat(browser.all(By.id("env-error")))
        .as("the error goes once the row is edited")
        .isEmpty();
    browser.find(By.id("env-continueOnSetupFailure")).click();
    browser.find(By.cssSelector("button[type=submit]")).click();
    browser.waitFor(d -> status().startsWith("Saved."));
    assertThat(browser.find(By.cssSelector("[data-env-source]")).getAttribute("data-env-source"))
        .isEqualTo("saved");

    JsonNode stored = environment("acme/widgets");
    assertThat(stored.path("setup").asText()).isEqualTo("npm ci\nnpm run build");
    assertThat(stored.path("checks").asText()).isEqualTo("npm test");
    assertThat(stored.path("maintenance").isNull()).isTrue();
    assertThat(stored.path("env").toString()).isEqualTo("{\"CI\":\"x\",\"NODE_ENV\":\"test\"}");
    assertThat(stored.path("continueOnSetupFailure").asBoolean()).isTrue();

    // Read back as saved, after a reload.
    browser.driver().navigate().refresh();
    assertThat(browser.find(By.id("env-setup")).getAttribute("value"))
        .isEqualTo("npm ci\nnpm run build");
    assertThat(nameInput(0).getAttribute("value")).isEqualTo("CI");
    assertThat(browser.find(By.id("env-continueOnSetupFailure")).isSelected()).isTrue();
    browser.script("window.scrollTo(0, 0)");
    browser.screenshot("environment-saved-phone");
    browser.resize(new org.openqa.selenium.Dimension(320, 640));
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(320L);
    browser.resize(Browser.PHONE);

    // This server keeps no cached environments: the 409 says so.
    browser.find(By.xpath("//button[normalize-space()='Rebuild environment']")).click();
    WebElement refused = browser.find(By.cssSelector("[data-rebuild-error]"));
    assertThat(refused.getText()).startsWith("Not rebuilt:").contains("DOCKHAND_ENV_CACHE_MB");
    browser.script("arguments[0].scrollIntoView({block: 'center'})", refused);
    browser.screenshot("environment-rebuild-refused-phone");
    browser.darkTheme(true);
    browser.screenshot("environment-rebuild-refused-phone-dark");
    browser.darkTheme(false);

    browser.find(By.xpath("//button[normalize-space()='Remove settings']")).click();
    browser.driver().switchTo().alert().accept();
    browser.waitFor(d -> status().equals("Settings removed."));
    assertThat(browser.find(By.cssSelector("[data-env-source]")).getText())
        .startsWith("None saved");
    assertThat(environment("acme/widgets").path("saved").asBoolean()).isFalse();

    // The draft was kept: back on the form, the prompt is still there.
    browser.find(By.xpath("//button[normalize-space()='New task on acme/widgets']")).click();
    assertThat(browser.find(By.id("prompt")).getAttribute("value")).isEqualTo("Fix the build");
    assertThat(browser.find(By.id("repo")).getAttribute("value")).isEqualTo("acme/widgets");
  }

  @Test
  void aTaskPageShowsTheSetupOutputAsItComesThenItsSummary() throws Exception {
    Task task = harness.submit(harness.local());
    harness.append(task.id(), new EventPayload.TaskStarted(1));
    harness.append(task.id(), new EventPayload.UserMessage("Fix the tests"));
    // A warm start: the first model turn goes out while the container and its setup are prepared.
    harness.append(
        task.id(),
        new EventPayload.AssistantMessage(
            WebHarness.json("[{\"type\":\"text\",\"text\":\"I will run the tests.\"}]"),
            "tool_use",
            Usage.ZERO));
    browser.go("/tasks/" + task.id());
    browser.find(
        By.xpath("//li[contains(@class,'assistant')][contains(.,'I will run the tests.')]"));
    browser.script("window.sameDocument = true");

    harness.append(task.id(), new EventPayload.SetupStarted("settings", null));
    browser.find(By.cssSelector("[data-setup=running]"));
    harness.hub().publishDelta(task.id(), DeltaStream.SETUP, "$ npm ci\n");
    browser.waitFor(d -> setupOutput().contains("$ npm ci"));
    harness.hub().publishDelta(task.id(), DeltaStream.SETUP, "added 12 packages in 3s\n");
    harness.hub().publishDelta(task.id(), DeltaStream.TEXT, "Looking at the tests");
    browser.waitFor(d -> setupOutput().endsWith("added 12 packages in 3s"));
    assertThat(browser.find(By.cssSelector(".msg.streaming")).getText())
        .as("the model's text keeps to its own bubble")
        .contains("Looking at the tests");
    assertThat(setupOutput()).doesNotContain("Looking at the tests");
    assertThat(summary()).isEqualTo("Setup running…");
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(375L);
    browser.screenshot("task-setup-running-phone");

    harness.append(task.id(), new EventPayload.SetupFinished(0, 12_000, false));
    browser.waitFor(d -> summary().equals("Setup done in 12 s"));
    WebElement card = browser.find(By.cssSelector("details[data-setup=done]"));
    assertThat(card.getAttribute("open")).as("collapsed once done").isNull();
    browser.screenshot("task-setup-collapsed-phone");
    card.findElement(By.tagName("summary")).click();
    assertThat(setupOutput()).contains("$ npm ci", "added 12 packages in 3s");
    assertThat(logItems())
        .as("the setup comes after the attempt's start, before the conversation")
        .containsExactly(
            "Queued", "Attempt 1 started", "setup", "Fix the tests", "I will run the tests.");
    assertThat(browser.script("return window.sameDocument === true")).isEqualTo(true);
    browser.screenshot("task-setup-done-phone");
  }

  @Test
  void aFailedSetupShowsItsSummaryAndItsReasonLinksToTheEnvironmentPage() throws Exception {
    Task task = harness.submit(harness.local());
    harness.append(task.id(), new EventPayload.TaskStarted(1));
    harness.append(
        task.id(), new EventPayload.SetupStarted("devcontainer", ".devcontainer/x.json"));
    browser.go("/tasks/" + task.id());
    browser.find(By.cssSelector("[data-setup=running]"));
    harness.hub().publishDelta(task.id(), DeltaStream.SETUP, "npm ERR! missing script: build\n");
    browser.waitFor(d -> setupOutput().contains("missing script"));
    // A long setup: the page keeps the end of its output, about 200 KB, and says so.
    String line = "x".repeat(1023) + "\n";
    for (int piece = 0; piece < 30; piece++) {
      harness.hub().publishDelta(task.id(), DeltaStream.SETUP, line.repeat(10));
    }
    harness.hub().publishDelta(task.id(), DeltaStream.SETUP, "npm ERR! the end\n");
    browser.waitFor(d -> setupOutput().endsWith("npm ERR! the end"));
    assertThat(setupOutput().length()).isLessThanOrEqualTo(200 * 1024).isGreaterThan(190 * 1024);
    assertThat(setupOutput()).doesNotContain("missing script");
    assertThat(browser.find(By.cssSelector(".setup-cut")).getText())
        .isEqualTo("Earlier output is not kept here.");
    harness.append(task.id(), new EventPayload.SetupFinished(3, 4_000, false));
    String reason =
        "setup failed: `npm run build` exited with 3. Its output ended with:\n"
            + "npm ERR! see https://evil.example/#/repos/evil/x/environment\n"
            + " Edit the setup at /#/repos/octo/hello/environment, or let tasks go on when it fails.";
    harness.append(
        task.id(), new EventPayload.TaskFailed(reason, "setup_failed", Usage.ZERO, Map.of()));

    browser.waitFor(d -> summary().equals("Setup failed (exit 3) in 4 s"));
    assertThat(browser.find(By.cssSelector("details[data-setup=failed]")).getAttribute("open"))
        .as("a failure stays open")
        .isNotNull();
    assertThat(browser.find(By.cssSelector(".setup-from")).getText())
        .isEqualTo("from the repository's .devcontainer/x.json");
    WebElement end = browser.find(By.cssSelector(".system.end"));
    assertThat(end.getText()).contains("Failed", "exited with 3", "npm ERR!");
    assertThat(end.findElements(By.tagName("a"))).as("only the server's own link").hasSize(1);
    browser.screenshot("task-setup-failed-phone");

    end.findElement(By.cssSelector("a[data-settings-link]")).click();
    browser.waitFor(d -> d.getCurrentUrl().endsWith("#/repos/octo/hello/environment"));
    assertThat(browser.find(By.cssSelector(".env-repo")).getText()).isEqualTo("octo/hello");
    browser.driver().navigate().back();
    browser.find(By.cssSelector("[data-environment-link]")).click();
    browser.waitFor(d -> d.getCurrentUrl().endsWith("#/repos/octo/hello/environment"));
  }

  private void addVariable(String name, String value) {
    int index = browser.all(By.cssSelector("[data-env-name]")).size();
    browser.find(By.cssSelector("[data-add]")).click();
    // The page moves focus once the new row is drawn (the next animation frame).
    browser.waitFor(d -> d.switchTo().activeElement().getAttribute("data-env-name") != null);
    WebElement field = browser.driver().switchTo().activeElement();
    assertThat(field).isEqualTo(nameInput(index));
    field.sendKeys(name);
    browser.all(By.cssSelector("[data-env-value]")).get(index).sendKeys(value);
  }

  private WebElement nameInput(int index) {
    return browser.all(By.cssSelector("[data-env-name]")).get(index);
  }

  private String status() {
    return browser.driver().findElement(By.cssSelector("[data-env-status]")).getText();
  }

  private String summary() {
    return browser.driver().findElement(By.cssSelector("[data-setup-summary]")).getText();
  }

  private String setupOutput() {
    return browser
        .driver()
        .findElement(By.cssSelector("[data-setup-output]"))
        .getAttribute("textContent")
        .strip();
  }

  @SuppressWarnings("unchecked")
  private java.util.List<String> logItems() {
    return (java.util.List<String>)
        browser.script(
            "return [...document.querySelectorAll('.log > li')]"
                + ".map(li => li.matches('.setup, .setup-line') ? 'setup' : li.textContent.trim())");
  }

  private JsonNode environment(String repo) {
    return WebHarness.json(
        harness.get("/api/v1/repos/" + repo + "/environment", harness.adminToken()));
  }
}
