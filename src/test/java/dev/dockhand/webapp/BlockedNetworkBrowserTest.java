package dev.dockhand.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import dev.dockhand.web.WebHarness;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The sandbox's closed network as the web app shows it, in Debian's headless Chromium at phone
 * size. The server is real but runs no tasks (no Docker): the proxy's {@code network.blocked}
 * events are stored and published here as the pipeline would, so the page's live folding is what is
 * tested.
 */
@Tag("browser")
class BlockedNetworkBrowserTest {
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

  private void blocked(String taskId, String host, int port, int count) {
    harness.append(taskId, new EventPayload.NetworkBlocked(host, port, count));
  }

  private String countOf(String where) {
    return browser.find(By.cssSelector("[data-blocked='" + where + "'] [data-count]")).getText();
  }

  @Test
  void theTaskPageListsEachBlockedHostWithItsLatestCountAsTheRefusalsHappen() throws Exception {
    Task task = harness.submit(harness.local());
    blocked(task.id(), "registry.example.com", 443, 1);
    browser.go("/tasks/" + task.id());
    assertThat(browser.find(By.id("blocked-title")).getText()).isEqualTo("Blocked network");
    assertThat(countOf("registry.example.com:443")).isEqualTo("1 attempt");
    browser.script("window.sameDocument = true");

    blocked(task.id(), "registry.example.com", 443, 4);
    blocked(task.id(), "::1", 8080, 2);
    browser.waitFor(driver -> countOf("registry.example.com:443").equals("4 attempts"));
    assertThat(countOf("[::1]:8080")).isEqualTo("2 attempts");
    assertThat(browser.all(By.cssSelector("[data-blocked]")))
        .extracting(row -> row.getAttribute("data-blocked"))
        .containsExactly("registry.example.com:443", "[::1]:8080");
    assertThat(browser.find(By.cssSelector(".blocked .hint")).getText())
        .contains("Allow extra hosts");
    assertThat(browser.find(By.cssSelector(".log")).getText())
        .as("refusals are not conversation")
        .contains("Queued")
        .doesNotContain("registry.example.com");
    assertThat(browser.script("return window.sameDocument === true")).isEqualTo(true);
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(375L);
    browser.screenshot("task-blocked-network-phone");

    // An address cannot be added to one task, so only the name is carried to the new form.
    browser.find(By.xpath("//button[normalize-space()='New task allowing this host']")).click();
    WebElement hosts = browser.find(By.id("egressAllow"));
    assertThat(hosts.getAttribute("value")).isEqualTo("registry.example.com");
    assertThat(browser.find(By.id("repo")).getAttribute("value")).isEqualTo(task.repo());
    assertThat(browser.find(By.id("prompt")).getAttribute("value")).isEqualTo(task.prompt());
    browser.find(By.cssSelector("button[type=submit]")).click();

    String id = browser.waitFor(driver -> taskIdIn(driver.getCurrentUrl(), task.id()));
    assertThat(browser.find(By.cssSelector("[data-fact=egress]")).getText())
        .isEqualTo("registry.example.com");
    assertThat(harness.queue().get(id).orElseThrow().egressAllow())
        .containsExactly("registry.example.com");
    assertThat(browser.all(By.cssSelector(".blocked"))).as("a new task starts clean").isEmpty();
  }

  @Test
  void aVeryLongBlockedHostWrapsOnA320PixelScreen() {
    Task task = harness.submit(harness.local());
    String longHost = "a".repeat(60) + "." + "b".repeat(60) + ".example.com";
    blocked(task.id(), longHost, 443, 12);
    browser.resize(new org.openqa.selenium.Dimension(320, 640));
    browser.go("/tasks/" + task.id());
    assertThat(countOf(longHost + ":443")).isEqualTo("12 attempts");
    assertThat(browser.script("return document.scrollingElement.scrollWidth")).isEqualTo(320L);
  }

  @Test
  void theFormSendsExtraHostsAndShowsARefusedOneAtTheField() throws Exception {
    browser.go("/new");
    browser.find(By.id("repo")).sendKeys("https://github.com/octo/hello.git");
    browser.find(By.id("prompt")).sendKeys("Install the tools");
    WebElement hosts = browser.find(By.id("egressAllow"));
    hosts.sendKeys("registry.example.com, 10.0.0.1");
    browser.find(By.cssSelector("button[type=submit]")).click();

    WebElement error = browser.find(By.id("egressAllow-error"));
    assertThat(error.getText()).contains("10.0.0.1");
    assertThat(hosts.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(browser.driver().switchTo().activeElement()).isEqualTo(hosts);
    assertThat(browser.driver().getCurrentUrl()).endsWith("#/new");
    browser.screenshot("new-task-extra-hosts-phone");

    hosts.clear();
    hosts.sendKeys("registry.example.com, *.example.org,host.example.net:8443");
    browser.find(By.cssSelector("button[type=submit]")).click();
    String id = browser.waitFor(driver -> taskIdIn(driver.getCurrentUrl(), null));
    JsonNode task = WebHarness.json(harness.get("/api/v1/tasks/" + id, harness.adminToken()));
    assertThat(task.get("egressAllow"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(
            List.of("registry.example.com", "*.example.org", "host.example.net:8443"));
  }

  /** The task id in the URL once it names a task other than {@code not}. */
  private static String taskIdIn(String url, String not) {
    int at = url.indexOf("#/tasks/");
    if (at < 0) {
      return null;
    }
    String id = url.substring(at + "#/tasks/".length());
    return id.equals(not) ? null : id;
  }
}
