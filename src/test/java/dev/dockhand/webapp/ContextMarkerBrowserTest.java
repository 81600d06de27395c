package dev.dockhand.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.Json;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.EventPayload.ContextCompacted;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import dev.dockhand.web.WebHarness;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Where the model's context was compacted, as the task page shows it in Debian's headless Chromium
 * at phone size: a marker in the conversation between the messages before and after, and the whole
 * log still there above it. The events are stored and published as the agent loop would.
 */
@Tag("browser")
class ContextMarkerBrowserTest {
  private WebHarness harness;
  private Browser browser;

  @BeforeEach
  void open() throws Exception {
    harness = WebHarness.start();
    browser = Browser.open(java.net.URI.create(harness.origin()));
    browser.signInWithToken(harness.adminToken());
  }

  @AfterEach
  void close() throws Exception {
    browser.close();
    harness.close();
  }

  private void said(String taskId, String text) {
    harness.append(
        taskId,
        new EventPayload.AssistantMessage(
            Json.MAPPER.valueToTree(List.of(Map.of("type", "text", "text", text))),
            "end_turn",
            Usage.ZERO));
  }

  @Test
  void aCompactionShowsAsAMarkerBetweenTheMessagesBeforeAndAfterIt() throws Exception {
    Task task = harness.submit(harness.local());
    said(task.id(), "Read the first forty files.");
    browser.go("/tasks/" + task.id());
    browser.find(By.xpath("//*[contains(text(), 'Read the first forty files.')]"));

    harness.append(
        task.id(), new ContextCompacted(182_431, 4_210, ContextCompacted.COMPACT, 0, null));
    said(task.id(), "Continuing from the summary.");
    harness.append(
        task.id(),
        new ContextCompacted(120_000, 61_500, ContextCompacted.CLEAR_TOOL_USES, 3, null));

    WebElement marker =
        browser.waitFor(
            driver ->
                driver.findElements(By.cssSelector(".log .system.compacted")).size() == 2
                    ? driver.findElements(By.cssSelector(".log .system.compacted")).get(0)
                    : null);
    assertThat(marker.getText()).isEqualTo("Context compacted (182,431 → 4,210 tokens)");
    assertThat(browser.all(By.cssSelector(".log .system.compacted")).get(1).getText())
        .isEqualTo("Old tool results cleared from the model's context (120,000 → 61,500 tokens)");
    String log = browser.find(By.cssSelector(".log")).getText();
    assertThat(log.indexOf("Read the first forty files."))
        .isLessThan(log.indexOf("Context compacted"));
    assertThat(log.indexOf("Context compacted"))
        .isLessThan(log.indexOf("Continuing from the summary."));
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(375L);
    browser.screenshot("task-context-compacted-phone");
  }
}
