package dev.dockhand.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.testkit.WebPushStandIn;
import dev.dockhand.web.UsageFixture;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The phone's day in Debian's headless Chromium at 390×844, light and dark: the sign-in page with
 * and without GitHub, a one-time sign-in link, the notification offer after the first submit and a
 * push the service worker shows, and the usage page over a week of tasks. Screenshots go to
 * target/screenshots/.
 */
@Tag("browser")
class PhoneBrowserTest {
  static final Dimension PHONE = new Dimension(390, 844);

  private WebHarness harness;
  private Browser browser;
  private WebPushStandIn service;

  @AfterEach
  void close() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (harness != null) {
      harness.close();
    }
    if (service != null) {
      service.close();
    }
  }

  private void screenshots(String name) throws Exception {
    browser.darkTheme(false);
    browser.screenshot(name + "-light");
    browser.darkTheme(true);
    browser.screenshot(name + "-dark");
    browser.darkTheme(false);
  }

  @Test
  void inLocalModeTheSignInPageOffersATokenAndALinkButNoGitHub() throws Exception {
    harness = WebHarness.start();
    browser = Browser.open(URI.create(harness.origin()), PHONE);
    browser.go("/");
    browser.find(By.id("token"));
    browser.find(By.cssSelector(".link-hint"));
    assertThat(browser.all(By.linkText("Sign in with GitHub"))).isEmpty();
    screenshots("signin-local");
  }

  @Test
  void withAGitHubAppTheSignInPageOffersGitHubFirst() throws Exception {
    harness =
        WebHarness.start(
            Map.of(
                "GITHUB_CLIENT_ID", "Iv1.phone",
                "GITHUB_CLIENT_SECRET", "secret",
                "DOCKHAND_ALLOWED_USERS", "bob"),
            WebLimits.DEFAULTS);
    browser = Browser.open(URI.create(harness.origin()), PHONE);
    browser.go("/");
    assertThat(browser.find(By.linkText("Sign in with GitHub")).getAttribute("href"))
        .endsWith("/auth/github/login");
    assertThat(browser.all(By.cssSelector(".link-hint"))).isEmpty();
    screenshots("signin-github");
  }

  @Test
  void aOneTimeLinkSignsThePhoneInOnceAndIsThenSpent() throws Exception {
    harness = WebHarness.start();
    String url =
        WebHarness.json(harness.post("/api/v1/login-links", harness.adminToken(), "{}"))
            .path("url")
            .asText();
    browser = Browser.open(URI.create(harness.origin()), PHONE);
    browser.driver().get(url);
    browser.find(By.xpath("//h1[normalize-space()='Sign in on this device']"));
    screenshots("signin-link");
    browser.find(By.xpath("//button[normalize-space()='Sign in']")).click();
    browser.find(By.cssSelector(".topbar"));
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("dhl_");
    assertThat(browser.script("return localStorage.getItem('dockhand.token')")).isNull();

    browser.find(By.cssSelector(".account summary")).click();
    browser.find(By.xpath("//button[normalize-space()='Sign out']")).click();
    browser.find(By.id("token"));
    browser.driver().get(url);
    browser.find(By.xpath("//button[normalize-space()='Sign in']")).click();
    assertThat(browser.find(By.cssSelector("[role=alert]")).getText())
        .contains("unknown, already used or expired");
  }

  @Test
  void theUsagePageChartsAWeekOfCostAndTabulatesIt() throws Exception {
    harness = WebHarness.start();
    UsageFixture tasks = new UsageFixture(harness);
    WebHarness.Person local = harness.local();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    double[] costs = {0.42, 1.10, 0, 2.35, 0.80, 3.05, 1.64};
    for (int day = 0; day < 7; day++) {
      if (costs[day] > 0) {
        String status = day == 3 ? "failed" : "succeeded";
        tasks.add(
            local,
            today.minusDays(6 - day),
            "acme/widgets",
            "claude-sonnet-4-5",
            status,
            costs[day],
            120_000,
            9_000);
      }
    }
    tasks.add(local, today, "acme/gadgets", "claude-opus-4-1", "succeeded", 0.95, 40_000, 3_000);
    browser = Browser.open(URI.create(harness.origin()), PHONE);
    browser.signInWithToken(harness.adminToken());
    browser.find(By.cssSelector(".account summary")).click();
    browser.find(By.linkText("Usage")).click();
    browser.find(By.cssSelector(".usage-chart svg"));
    assertThat(browser.all(By.cssSelector(".usage-chart g[data-day]"))).hasSize(7);
    assertThat(browser.find(By.cssSelector("[data-fact=cost]")).getText()).isEqualTo("$10.31");
    assertThat(browser.find(By.cssSelector("[data-fact=tasks]")).getText()).isEqualTo("7");
    assertThat(browser.find(By.cssSelector("[data-fact=success]")).getText()).isEqualTo("86%");
    assertThat(
            browser
                .find(
                    By.cssSelector(".usage-table tbody tr[data-row='" + today + "'] td:last-child"))
                .getText())
        .isEqualTo("$2.59");
    screenshots("usage-week");

    browser.find(By.xpath("//button[normalize-space()='Repository']")).click();
    browser.find(
        By.cssSelector(".usage-table tbody tr[data-row='https://github.com/acme/gadgets.git']"));
    assertThat(browser.all(By.cssSelector(".usage-table tbody tr")).get(0).getText())
        .startsWith("acme/widgets");
  }

  @Test
  void afterTheFirstSubmitTheAppOffersNotificationsAndAPushIsShownByTheServiceWorker()
      throws Exception {
    service = WebPushStandIn.start();
    harness = WebHarness.start(Map.of("DOCKHAND_PUSH_ALLOW_LOOPBACK", "true"), WebLimits.DEFAULTS);
    browser = Browser.openUndecided(URI.create(harness.origin()), PHONE);
    browser
        .driver()
        .executeCdpCommand(
            "Page.addScriptToEvaluateOnNewDocument",
            Map.of("source", PushShim.source(service.origin() + "/push/")));
    browser.signInWithToken(harness.adminToken());
    assertThat(browser.all(By.cssSelector(".push-offer"))).as("not on load").isEmpty();

    browser.find(By.linkText("New task")).click();
    browser.find(By.id("repo")).sendKeys("acme/widgets");
    browser.find(By.id("prompt")).sendKeys("Tidy the README");
    browser.find(By.cssSelector("button[type=submit]")).click();
    browser.script(
        "arguments[0].scrollIntoView({block: 'start'})",
        browser.find(By.cssSelector(".push-offer")));
    browser.find(By.xpath("//h2[normalize-space()=\"Know when it's done\"]"));
    screenshots("notification-prompt");

    browser
        .driver()
        .executeCdpCommand(
            "Browser.grantPermissions",
            Map.of("origin", harness.origin(), "permissions", List.of("notifications")));
    browser.find(By.xpath("//button[normalize-space()='Notify me']")).click();
    browser.find(By.cssSelector(".push-offer.done"));
    String serverKey = harness.push().publicKey();
    @SuppressWarnings("unchecked")
    Map<String, Object> keys = (Map<String, Object>) browser.script("return window.__testPush");
    service.adopt(
        (String) keys.get("id"),
        (String) keys.get("d"),
        (String) keys.get("x"),
        (String) keys.get("y"),
        (String) keys.get("auth"),
        serverKey);
    assertThat(harness.push().subscriptions().of(harness.local().id())).hasSize(1);
    CompletableFuture<WebPushStandIn.Received> arrived = new CompletableFuture<>();
    service.onReceived(arrived::complete);

    String taskId = taskIdIn(browser.driver().getCurrentUrl());
    harness.queue().cancel(taskId);
    WebPushStandIn.Received push = arrived.get(20, TimeUnit.SECONDS);

    // Chromium's own push service is out of reach offline: what the stand-in decrypted is handed
    // to the service worker as its push event, as Chromium does on receipt.
    // On a loaded machine the worker may still be starting when the first message is handed
    // over, and that one is lost: it is handed over again until a notification shows (the
    // notification's tag makes a repeat replace, not add).
    browser.driver().executeCdpCommand("ServiceWorker.enable", Map.of());
    String shown =
        browser.waitFor(
            driver -> {
              browser
                  .driver()
                  .executeCdpCommand(
                      "ServiceWorker.deliverPushMessage",
                      Map.of(
                          "origin",
                          harness.origin(),
                          "registrationId",
                          registrationId(),
                          "data",
                          push.plaintext()));
              Object list =
                  browser
                      .driver()
                      .executeAsyncScript(
                          "const done = arguments[arguments.length - 1];"
                              + "navigator.serviceWorker.ready.then(r => r.getNotifications())"
                              + ".then(all => done(all.map(n => n.title + ' | ' + n.body + ' | '"
                              + " + n.data.url + ' | ' + n.tag).join('\\n')));");
              return list.toString().isEmpty() ? null : list.toString();
            });
    assertThat(shown)
        .contains(
            "Task cancelled · acme/widgets",
            "Tidy the README",
            "/#/tasks/" + taskId,
            "dockhand-" + taskId);
  }

  /**
   * The id DevTools knows the page's service worker registration by: a fresh profile numbers its
   * registrations from 0, and this page registers one.
   */
  private String registrationId() {
    return "0";
  }

  private static String taskIdIn(String url) {
    int at = url.indexOf("#/tasks/");
    return url.substring(at + "#/tasks/".length());
  }
}
