package dev.dockhand.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Json;
import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.queue.Task;
import dev.dockhand.web.WebHarness;
import java.net.URI;
import java.util.List;
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
 * A task's checks in Debian's headless Chromium at phone size: their output live while they run,
 * each run's result in the conversation, the failure handed to the agent, and the last result in
 * the task's header. The server runs no tasks here (no Docker): the events, live output and the
 * task's stored result are written as the pipeline writes them.
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChecksBrowserTest {
  private WebHarness harness;
  private Browser browser;

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
  void checksRunLiveFailAreHandedToTheAgentThenPassAndTheHeaderSaysSo() throws Exception {
    Task task = harness.submit(harness.local());
    harness.append(task.id(), new EventPayload.TaskStarted(1));
    harness.append(task.id(), new EventPayload.UserMessage("Fix the widget"));
    browser.go("/tasks/" + task.id());
    browser.find(By.xpath("//li[contains(@class,'user')][contains(.,'Fix the widget')]"));
    assertThat(browser.all(By.cssSelector("[data-fact=checks]"))).as("no checks yet").isEmpty();

    harness.hub().publishDelta(task.id(), DeltaStream.CHECKS, "$ npm test\n");
    browser.find(By.cssSelector("details[data-checks=running]"));
    harness.hub().publishDelta(task.id(), DeltaStream.CHECKS, "not ok 2 - adds\n# fail 1\n");
    browser.waitFor(d -> output().endsWith("# fail 1"));
    assertThat(output()).startsWith("$ npm test");
    assertThat(summary(0)).isEqualTo("Checks running…");
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(375L);
    browser.screenshot("task-checks-running-phone");

    finish(task, new ChecksFinished("npm test", 1, 1, 1, 2100, 1));
    harness.append(task.id(), new EventPayload.UserMessage("The repository's checks failed", true));
    browser.waitFor(d -> summary(0).equals("Checks failed (exit 1; 1 failed, 1 passed) in 2.1 s"));
    assertThat(browser.find(By.cssSelector("details[data-checks=failed]")).getAttribute("open"))
        .as("a failure stays open")
        .isNotNull();
    browser.find(By.xpath("//li[contains(.,\"Gave the agent the checks' failure to fix\")]"));
    browser.waitFor(d -> fact().startsWith("Failed"));
    assertThat(fact()).isEqualTo("Failed exit 1; 1 failed, 1 passed · npm test");
    browser.screenshot("task-checks-failed-phone");

    harness.hub().publishDelta(task.id(), DeltaStream.CHECKS, "$ npm test\n# pass 2\n");
    browser.waitFor(d -> browser.all(By.cssSelector("details[data-checks=running]")).size() == 1);
    finish(task, new ChecksFinished("npm test", 0, 2, 0, 1500, 2));
    browser.waitFor(d -> summary(1).equals("Checks passed (2 passed) in 1.5 s · run 2"));
    WebElement passed = browser.find(By.cssSelector("details[data-checks=passed]"));
    assertThat(passed.getAttribute("open")).as("collapsed once passed").isNull();
    browser.waitFor(d -> fact().startsWith("Passed"));
    assertThat(fact()).isEqualTo("Passed 2 passed · npm test");
    assertThat(browser.find(By.cssSelector(".checks-badge")).getAttribute("class"))
        .contains("good");
    browser.screenshot("task-checks-passed-phone");

    // A page opened later has the results, not the output (deltas are never stored).
    browser.driver().navigate().refresh();
    browser.waitFor(d -> browser.all(By.cssSelector("li[data-checks]")).size() == 2);
    assertThat(
            browser.all(By.cssSelector("li[data-checks] [data-checks-summary]")).stream()
                .map(WebElement::getText)
                .toList())
        .containsExactly(
            "Checks failed (exit 1; 1 failed, 1 passed) in 2.1 s",
            "Checks passed (2 passed) in 1.5 s · run 2");
    assertThat(
            browser.find(By.cssSelector("li[data-checks=passed] [data-checks-command]")).getText())
        .isEqualTo("$ npm test");
    browser.darkTheme(true);
    browser.screenshot("task-checks-results-phone-dark");
    browser.darkTheme(false);
  }

  @Test
  void checksThatTimedOutSayNoCountsAndAnEndedAttemptStopsRunningChecks() throws Exception {
    Task task = harness.submit(harness.local());
    harness.append(task.id(), new EventPayload.TaskStarted(1));
    browser.go("/tasks/" + task.id());
    // Deltas are live only: the page must be following the task before they are sent.
    browser.find(By.xpath("//li[contains(.,'Attempt 1 started')]"));
    harness.hub().publishDelta(task.id(), DeltaStream.CHECKS, "$ make test\nwaiting\n");
    browser.find(By.cssSelector("details[data-checks=running]"));
    harness.append(
        task.id(), new EventPayload.TaskRetrying(2, "the node stopped", java.time.Instant.now()));
    browser.find(By.cssSelector("details[data-checks=stopped]"));
    assertThat(summary(0)).isEqualTo("Checks stopped");

    finish(task, new ChecksFinished("make test", -1, null, null, 600_000, 1));
    browser.waitFor(d -> browser.all(By.cssSelector("[data-checks=failed]")).size() == 1);
    assertThat(summary(1)).isEqualTo("Checks timed out in 10 min 0 s");
    browser.waitFor(d -> fact().startsWith("Failed"));
    assertThat(fact()).isEqualTo("Failed timed out · make test");
  }

  /** A run's end as the pipeline stores it: the event, and the task's last result with it. */
  private void finish(Task task, ChecksFinished checks) throws Exception {
    String json = Json.MAPPER.writeValueAsString(checks);
    harness
        .database()
        .write(
            handle ->
                handle.execute("UPDATE tasks SET checks_json = ? WHERE id = ?", json, task.id()));
    harness.append(task.id(), checks);
  }

  private String output() {
    List<WebElement> outputs = browser.all(By.cssSelector("[data-checks-output]"));
    return outputs.getLast().getText();
  }

  private String summary(int run) {
    return browser.all(By.cssSelector("[data-checks-summary]")).get(run).getText();
  }

  private String fact() {
    return browser.find(By.cssSelector("[data-fact=checks]")).getText();
  }
}
