package dev.dockhand.webapp;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.hang;
import static dev.dockhand.testkit.ScriptedTurn.replace;
import static dev.dockhand.testkit.ScriptedTurn.reply;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.ServerHarness;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
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
 * The web app in Debian's headless Chromium at phone size, against the whole product: the real
 * server, Docker containers, a git server, and the stand-in model and GitHub.
 */
@Tag("browser")
@Tag("docker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebAppBrowserTest {
  private ServerHarness harness;
  private Browser browser;

  @BeforeAll
  void startServer() {
    harness = new ServerHarness();
    harness.git.createRepo(
        "acme/widgets", Map.of("README.md", "# Widgets\n", "greeting.txt", "hello\n"));
    harness.start();
  }

  @AfterAll
  void stopServer() {
    harness.close();
  }

  @BeforeEach
  void openBrowser() throws Exception {
    browser = Browser.open(harness.origin());
    browser.signInWithToken(harness.token());
    // Survives only as long as the page is not reloaded.
    browser.script("window.sameDocument = true");
  }

  /** The stand-in model's turns are one queue: a turn left over would answer the next test. */
  @AfterEach
  void closeBrowser() {
    browser.close();
    assertThat(harness.model.turnsLeft()).as("scripted model turns nobody asked for").isZero();
  }

  /**
   * The task's container, once it runs: the model's first turn goes out while the container is
   * still being prepared, so its tool card can show before the container exists.
   */
  private static String containerOf(String taskId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String id = "";
    while (id.isEmpty() && System.nanoTime() < deadline) {
      id = docker("ps", "-q", "--filter", "label=dockhand.task=" + taskId).strip();
      if (id.isEmpty()) {
        Thread.sleep(100); // a poll with a deadline, while the container starts
      }
    }
    assertThat(id).as("the task's container").isNotEmpty();
    return id;
  }

  /** The docker CLI, no code of ours in between. */
  private static String docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("docker " + String.join(" ", args) + ": " + output).isZero();
    return output;
  }

  @Test
  void aTaskSubmittedFromTheFormShowsItsToolCardsStatusAndDiffWithoutReloading() throws Exception {
    harness.model.script(
        reply("Let me look at the greeting.", bash("cat greeting.txt")),
        tools(replace("/workspace/greeting.txt", "hello", "hello, world")),
        text("I made the greeting friendlier."));

    browser.find(By.linkText("New task")).click();
    browser.find(By.id("repo")).sendKeys("acme/widgets");
    browser.find(By.id("prompt")).sendKeys("Make the greeting friendlier\nKeep it short.");
    browser.find(By.cssSelector("button[type=submit]")).click();

    String id = browser.waitFor(driver -> taskIdIn(driver.getCurrentUrl()));
    WebElement bash =
        browser.find(
            By.xpath(
                "//details[contains(@class,'tool-card')][.//code[contains(.,'cat"
                    + " greeting.txt')]]"));
    browser.find(By.cssSelector(".tool-card .tool-summary")).isDisplayed();
    browser.find(By.cssSelector(".task-head .badge[data-status=succeeded]"));
    assertThat(browser.find(By.cssSelector(".system.end")).getText()).contains("Succeeded");
    assertThat(browser.all(By.cssSelector(".msg.assistant .bubble")))
        .anyMatch(bubble -> bubble.getText().contains("I made the greeting friendlier."));
    assertThat(browser.all(By.cssSelector(".tool-card"))).hasSize(2);
    assertThat(browser.all(By.cssSelector(".tool-state[data-state=ok]"))).hasSize(2);
    assertThat(browser.find(By.linkText("Open pull request")).getAttribute("href"))
        .startsWith("http");
    assertThat(browser.find(By.cssSelector("[data-fact=cost]")).getText())
        .startsWith("$")
        .isNotEqualTo("$0");

    bash.findElement(By.tagName("summary")).click();
    assertThat(bash.findElement(By.cssSelector("[data-output]")).getText()).contains("hello");
    browser.script("window.scrollTo(0, 0)");
    browser.screenshot("task-view-phone");
    browser.darkTheme(true);
    browser.screenshot("task-view-phone-dark");
    browser.darkTheme(false);

    browser.find(By.linkText("Changes")).click();
    WebElement added =
        browser.find(By.xpath("//span[contains(@class,'line add')][contains(.,'+hello, world')]"));
    assertThat(added.getCssValue("background-color")).isNotEqualTo("rgba(0, 0, 0, 0)");
    assertThat(browser.find(By.cssSelector(".line.del")).getText()).isEqualTo("-hello");
    browser.screenshot("task-diff-phone");

    browser.find(By.cssSelector("a.back")).click();
    WebElement row = browser.find(By.cssSelector(".task-row[data-task-id='" + id + "']"));
    assertThat(row.findElement(By.cssSelector(".badge")).getAttribute("data-status"))
        .isEqualTo("succeeded");
    assertThat(row.getText()).contains("acme/widgets", "Make the greeting friendlier");
    browser.screenshot("task-list-phone");
    browser.resize(new org.openqa.selenium.Dimension(1280, 800));
    browser.screenshot("task-list-desktop");
    assertThat(browser.script("return window.sameDocument === true")).isEqualTo(true);
  }

  @Test
  void aTaskSubmittedElsewhereAppearsInTheListStreamsTheModelsWordsAndCanBeCancelledFromItsPage()
      throws Exception {
    // The command waits for the test, so the page is watching before the model speaks again.
    String gated = "until [ -e /tmp/go ]; do sleep 0.1; done; echo started";
    harness.model.script(reply("Working on it.", bash(gated)), hang());
    browser.find(By.id("tasks-title"));

    String id = harness.submit("acme/widgets", "Take your time").path("id").asText();
    browser.find(By.cssSelector(".task-row[data-task-id='" + id + "'] a")).click();
    String card = "//details[contains(@class,'tool-card')][.//code[contains(.,'echo started')]]";
    browser.find(By.xpath(card));
    docker("exec", containerOf(id), "touch", "/tmp/go");
    browser.find(By.xpath(card + "//*[@data-state='ok']"));
    browser.find(By.cssSelector(".task-head .badge[data-status=running]"));
    // The hanging turn has streamed its first words and no more: they show as they arrive.
    assertThat(browser.find(By.cssSelector(".msg.assistant.streaming")).getText())
        .contains("Thinking about it");

    browser.find(By.xpath("//button[normalize-space()='Cancel task']")).click();
    browser.waitFor(driver -> driver.switchTo().alert()).accept();

    browser.find(By.cssSelector(".task-head .badge[data-status=cancelled]"));
    assertThat(browser.find(By.cssSelector(".system.end")).getText()).contains("Cancelled");
    assertThat(browser.all(By.xpath("//button[normalize-space()='Cancel task']"))).isEmpty();
    assertThat(harness.task(id).path("status").asText()).isEqualTo("cancelled");
    assertThat(browser.script("return window.sameDocument === true")).isEqualTo(true);
  }

  @Test
  void afterANetworkDropTheViewFillsTheGapAndSendsTheFollowUpTypedOfflineOnce() {
    harness.model.script(text("Nothing needed changing."));
    String id = harness.submit("acme/widgets", "Look around").path("id").asText();
    browser.go("/tasks/" + id);
    browser.find(By.cssSelector(".task-head .badge[data-status=succeeded]"));

    network(false);
    browser.find(By.cssSelector(".banner.offline"));
    // Meanwhile the task goes on without us: a follow-up from elsewhere runs a second attempt.
    harness.model.script(
        text("Looked again, from the other device."), text("Added a test as asked."));
    harness.call("POST", "/tasks/" + id + "/messages", Map.of("content", "Look again"));
    browser.find(By.id("follow-up")).sendKeys("Please add a test too");
    browser.find(By.cssSelector(".composer button[type=submit]")).click();
    browser.find(By.cssSelector(".msg.user.pending"));
    assertThat(browser.script("return JSON.parse(localStorage.getItem('dockhand.outbox')).length"))
        .isEqualTo(1L);
    browser.waitFor(
        driver ->
            harness.task(id).path("status").asText().equals("succeeded")
                && harness.task(id).path("attempt").asInt() == 2);

    network(true);
    browser.find(
        By.xpath(
            "//li[contains(@class,'msg assistant')][contains(.,'Looked again, from the other"
                + " device.')]"));
    browser.waitFor(driver -> driver.findElements(By.cssSelector(".msg.user.pending")).isEmpty());
    browser.find(
        By.xpath("//li[contains(@class,'msg user')][contains(.,'Please add a test too')]"));
    browser.find(
        By.xpath("//li[contains(@class,'msg assistant')][contains(.,'Added a test as asked.')]"));
    browser.find(By.cssSelector(".task-head .badge[data-status=succeeded]"));
    assertThat(browser.find(By.cssSelector("[data-fact=attempt]")).getText()).startsWith("3 of");
    assertThat(browser.all(By.cssSelector(".banner.offline"))).isEmpty();

    JsonNode events =
        harness.call("GET", "/tasks/" + id + "/events?limit=1000", null).json().path("items");
    long sent =
        StreamSupport.stream(events.spliterator(), false)
            .filter(event -> event.path("kind").asText().equals("message.user"))
            .filter(
                event ->
                    event.path("data").path("content").asText().equals("Please add a test too"))
            .count();
    assertThat(sent).isEqualTo(1);
    assertThat(browser.all(By.cssSelector(".log > li")).size())
        .as("every stored event shown once")
        .isEqualTo(
            StreamSupport.stream(events.spliterator(), false)
                .filter(event -> !event.path("kind").asText().equals("tool.result"))
                .count());
  }

  @Test
  void aTokenRevokedWhileTheAppIsOpenSendsThePersonBackToSignInSayingSo() {
    JsonNode created = harness.call("POST", "/tokens", Map.of("name", "phone")).json();
    browser.script(
        "localStorage.setItem('dockhand.token', arguments[0])", created.path("token").asText());
    browser.driver().navigate().refresh();
    browser.find(By.cssSelector(".topbar"));
    browser.script("window.sameDocument = true");
    assertThat(harness.call("DELETE", "/tokens/" + created.path("id").asText(), null).status())
        .isEqualTo(204);

    browser.go("/new"); // the form asks for the repositories: the first call after revocation

    assertThat(browser.find(By.cssSelector("[role=alert]")).getText()).contains("revoked");
    assertThat(browser.script("return window.sameDocument"))
        .as("no reload on the way")
        .isEqualTo(true);
    assertThat(browser.find(By.id("token")).isDisplayed()).isTrue();
    assertThat(browser.script("return localStorage.getItem('dockhand.token')")).isNull();
  }

  @Test
  void aBrokenInputShowsTheApisFieldErrorAtTheField() {
    browser.go("/new");
    browser.find(By.id("repo")).sendKeys("acme/widgets");
    browser.find(By.id("branch")).sendKeys("--force");
    browser.find(By.id("prompt")).sendKeys("Anything");
    browser.find(By.cssSelector("button[type=submit]")).click();

    WebElement error = browser.find(By.id("branch-error"));
    assertThat(error.getText()).contains("branch");
    WebElement branch = browser.find(By.id("branch"));
    assertThat(branch.getAttribute("aria-invalid")).isEqualTo("true");
    assertThat(branch.getAttribute("aria-describedby")).contains("branch-error");
    assertThat(browser.driver().switchTo().activeElement()).isEqualTo(branch);
    assertThat(browser.driver().getCurrentUrl()).endsWith("#/new");
  }

  @Test
  void nothingOverflowsSidewaysOnA320PixelScreen() {
    harness.model.script(text("Done."));
    String id =
        harness
            .submit(
                "acme/widgets",
                "A prompt with a"
                    + " very-long-unbroken-word-that-could-push-the-layout-sideways-if-nothing-wraps-it")
            .path("id")
            .asText();
    browser.go("/tasks/" + id);
    browser.find(By.cssSelector(".task-head .badge[data-status=succeeded]"));
    browser.resize(new org.openqa.selenium.Dimension(320, 640));
    for (String route : new String[] {"/", "/new", "/tasks/" + id}) {
      browser.go(route);
      browser.find(By.cssSelector("main h1"));
      assertThat(browser.script("return document.scrollingElement.scrollWidth"))
          .as("page width at %s", route)
          .isEqualTo(320L);
    }
  }

  @Test
  void theAppIsInstallableAndItsServiceWorkerKeepsTheShellButNoApiAnswers() {
    Object manifest =
        browser
            .driver()
            .executeAsyncScript(
                "const done = arguments[arguments.length -"
                    + " 1];fetch('/manifest.webmanifest').then(async r => done({type:"
                    + " r.headers.get('content-type'), body: await r.json()}));");
    @SuppressWarnings("unchecked")
    Map<String, Object> answer = (Map<String, Object>) manifest;
    assertThat((String) answer.get("type")).startsWith("application/manifest+json");
    assertThat(answer.get("body").toString())
        .contains("icon-192.png", "icon-512.png", "standalone");

    browser.find(By.id("tasks-title"));
    Object cached =
        browser
            .driver()
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];navigator.serviceWorker.ready.then(()"
                    + " => caches.keys()).then(names => Promise.all(names.map(n =>"
                    + " caches.open(n).then(c => c.keys())))).then(lists => done(lists.flat().map(r"
                    + " => new URL(r.url).pathname)));");
    assertThat(cached.toString()).contains("/js/app.js", "/vendor/preact.js", "/app.css");
    assertThat(cached.toString()).doesNotContain("/api/");
  }

  @Test
  void aWatchedTaskThatEndsWhileThePageIsHiddenRaisesASystemNotification() {
    harness.model.script(reply("Working on it.", bash("echo started")), hang());
    String id = harness.submit("acme/widgets", "Work in the background").path("id").asText();
    browser.go("/tasks/" + id);
    browser.find(
        By.xpath(
            "//details[contains(@class,'tool-card')][.//code[contains(.,'echo"
                + " started')]]//*[@data-state='ok']"));
    browser.script(
        "Object.defineProperty(document, 'visibilityState', {configurable: true, get: () =>"
            + " 'hidden'})");

    assertThat(harness.call("POST", "/tasks/" + id + "/cancel", null).status()).isEqualTo(202);

    String shown =
        browser.waitFor(
            driver -> {
              Object titles =
                  browser
                      .driver()
                      .executeAsyncScript(
                          "const done = arguments[arguments.length - 1];"
                              + "navigator.serviceWorker.ready.then(r =>"
                              + " r.getNotifications()).then(list => done(list.map(n => n.title + '"
                              + " | ' + n.body).join('\\n"
                              + "')));");
              return titles.toString().isEmpty() ? null : titles.toString();
            });
    assertThat(shown).contains("Task cancelled", "acme/widgets", "Work in the background");
  }

  private static String taskIdIn(String url) {
    int at = url.indexOf("#/tasks/");
    return at < 0 ? null : url.substring(at + "#/tasks/".length());
  }

  private void network(boolean online) {
    browser.driver().executeCdpCommand("Network.enable", Map.of());
    browser
        .driver()
        .executeCdpCommand(
            "Network.emulateNetworkConditions",
            Map.of(
                "offline",
                !online,
                "latency",
                0,
                "downloadThroughput",
                -1,
                "uploadThroughput",
                -1));
  }
}
