package dev.dockhand.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.web.WebHarness;
import java.net.URI;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The admins' Users page in Debian's headless Chromium at phone size, against the real server
 * (which runs no tasks here, so no Docker).
 */
@Tag("browser")
class UsersPageBrowserTest {
  private WebHarness harness;
  private Browser browser;

  @BeforeEach
  void open() throws Exception {
    harness = WebHarness.start();
    browser = Browser.open(URI.create(harness.origin()));
  }

  @AfterEach
  void close() throws Exception {
    browser.close();
    harness.close();
  }

  private WebElement row(String login) {
    return browser.find(By.cssSelector(".user-row[data-user='" + login + "']"));
  }

  @Test
  void anAdminSeesEachUsersSpendAndCanDisableAndEnableThemFromTheMenu() throws Exception {
    WebHarness.Person bob = harness.person("bob");
    harness.submit(bob);
    harness
        .database()
        .write(
            handle ->
                handle.execute(
                    "INSERT INTO user_spend (user_id, day, cost_usd) VALUES (?, ?, ?)",
                    bob.id(),
                    LocalDate.now(ZoneOffset.UTC).toString(),
                    1.25));
    browser.signInWithToken(harness.adminToken());
    browser.script("window.sameDocument = true");

    browser.find(By.cssSelector(".account summary")).click();
    browser.find(By.linkText("Users")).click();
    WebElement bobs = row("bob");
    assertThat(bobs.findElement(By.cssSelector("[data-fact=today]")).getText()).isEqualTo("$1.25");
    assertThat(bobs.findElement(By.cssSelector("[data-fact=month]")).getText()).isEqualTo("$1.25");
    assertThat(bobs.findElement(By.cssSelector("[data-fact=active]")).getText()).isEqualTo("1");
    assertThat(row("local").getText()).contains("admin", "local");
    assertThat(row("local").findElements(By.tagName("button")))
        .as("the local user cannot be disabled")
        .isEmpty();
    browser.screenshot("users-phone");

    browser.find(By.cssSelector("button[aria-label='Disable bob']")).click();
    browser.find(By.cssSelector(".user-row[data-user='bob'] [data-state=disabled]"));
    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(401);
    assertThat(row("bob").findElement(By.cssSelector("[data-fact=active]")).getText())
        .as("their task was cancelled")
        .isEqualTo("0");
    browser.screenshot("users-phone-disabled");

    browser.find(By.cssSelector("button[aria-label='Enable bob']")).click();
    browser.find(By.cssSelector("button[aria-label='Disable bob']"));
    assertThat(browser.all(By.cssSelector(".user-row[data-user='bob'] [data-state=disabled]")))
        .isEmpty();
    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(200);
    assertThat(browser.script("return window.sameDocument === true")).isEqualTo(true);
  }

  @Test
  void someoneWhoIsNotAnAdminHasNoUsersLinkAndThePageSaysItIsForAdmins() {
    WebHarness.Person bob = harness.person("bob");
    browser.signInWithToken(bob.token());
    browser.find(By.cssSelector(".account summary")).click();
    browser.find(By.xpath("//button[normalize-space()='Sign out']"));
    assertThat(browser.all(By.linkText("Users"))).isEmpty();

    browser.go("/users");
    assertThat(browser.find(By.cssSelector("[role=alert]")).getText()).contains("Only admins");
    assertThat(browser.all(By.cssSelector(".user-row"))).isEmpty();
  }
}
