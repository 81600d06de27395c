package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.config.Secret;
import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.testkit.GitHubOAuthStandIn.Account;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MembershipRecheckTest {
  private static final String PUBLIC_URL = "https://dockhand.example";
  private static final Account ALICE = new Account(6001, "alice", "Alice");
  private static final Duration RECHECK = Duration.ofHours(1);

  private GitHubOAuthStandIn github;
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubOAuthStandIn("client-123", "secret-456");
    harness =
        WebHarness.start(
            github.signInEnv(
                Map.of(
                    "DOCKHAND_PUBLIC_URL",
                    PUBLIC_URL,
                    "DOCKHAND_ALLOWED_USERS",
                    "octocat",
                    "DOCKHAND_ALLOWED_ORGS",
                    "acme",
                    "DOCKHAND_MEMBERSHIP_RECHECK",
                    "1h")),
            WebLimits.DEFAULTS);
    github.addOrgMember("acme", "alice");
    github.signInAs(ALICE);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    github.close();
  }

  @Test
  void aMemberRemovedFromTheOrgKeepsAccessUntilTheRecheckThenSessionAndTokensAreRefused() {
    SignInBrowser browser = signedIn();
    String token = apiToken();
    github.removeOrgMember("acme", "alice");
    int asked = github.membershipRequests();

    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
    assertThat(harness.get("/api/v1/me", token).statusCode()).isEqualTo(200);
    assertThat(github.membershipRequests()).isEqualTo(asked);

    lastConfirmedAgo(RECHECK.plusMinutes(1));
    HttpResponse<String> refused = browser.api("/api/v1/me");
    assertThat(refused.statusCode()).isEqualTo(401);
    JsonNode error = WebHarness.json(refused).get("error");
    assertThat(error.get("code").asText()).isEqualTo("access_revoked");
    assertThat(error.get("message").asText())
        .contains("@alice is no longer allowed")
        .contains("DOCKHAND_ALLOWED_ORGS")
        .endsWith("sign in again");
    assertThat(harness.get("/api/v1/me", token).statusCode()).isEqualTo(401);
    assertThat(harness.auth().users().gitToken(aliceId())).isEmpty();

    // Back in the org, they still need a new sign-in that passes.
    github.addOrgMember("acme", "alice");
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(401);
    assertThat(browser.signIn().statusCode()).isEqualTo(302);
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
    assertThat(harness.get("/api/v1/me", token).statusCode()).isEqualTo(200);
  }

  @Test
  void aTaskOfSomeoneWhoLostAccessDoesNotRunAfterTheRecheck() {
    signedIn();
    assertThat(harness.auth().confirmStillAllowed(aliceId()).login()).isEqualTo("alice");

    github.removeOrgMember("acme", "alice");
    lastConfirmedAgo(RECHECK.plusMinutes(1));
    assertThatThrownBy(() -> harness.auth().confirmStillAllowed(aliceId()))
        .isInstanceOf(AccessRevokedException.class)
        .hasMessageContaining("@alice is no longer allowed")
        .satisfies(e -> assertThat(((AccessRevokedException) e).retryable()).isFalse());

    github.addOrgMember("acme", "alice");
    signedIn();
    harness
        .database()
        .write(
            handle ->
                handle
                    .createUpdate("UPDATE users SET disabled_at = 1 WHERE id = :id")
                    .bind("id", aliceId())
                    .execute());
    assertThatThrownBy(() -> harness.auth().confirmStillAllowed(aliceId()))
        .isInstanceOf(AccessRevokedException.class)
        .hasMessage("an admin has disabled the task's owner");
  }

  @Test
  void aMemberStillInTheOrgAtTheRecheckIsConfirmedAgain() {
    SignInBrowser browser = signedIn();
    lastConfirmedAgo(RECHECK.plusMinutes(1));
    int asked = github.membershipRequests();
    long before = Clock.systemUTC().millis();

    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
    assertThat(github.membershipRequests()).isEqualTo(asked + 1);
    assertThat(accessCheckedAt()).isGreaterThanOrEqualTo(before);
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
    assertThat(github.membershipRequests()).isEqualTo(asked + 1);
  }

  @Test
  void aTokenGitHubNoLongerAcceptsEndsAccessAtTheRecheck() {
    SignInBrowser browser = signedIn();
    github.revokeTokensOf("alice");
    lastConfirmedAgo(RECHECK.plusMinutes(1));
    HttpResponse<String> refused = browser.api("/api/v1/me");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(WebHarness.json(refused).get("error").get("message").asText())
        .contains("token from your last sign-in was revoked");
  }

  @Test
  void aTokenFromBeforeReadOrgWasAskedForMustSignInAgain() {
    github.addOrgMember("acme", "frank");
    Account frank = new Account(6004, "frank", "Frank");
    SignInBrowser browser =
        signedInEarlierByTheList(frank, github.issueToken(frank, "repo", "read:user"));
    HttpResponse<String> refused = browser.api("/api/v1/me");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(WebHarness.json(refused).get("error").get("message").asText())
        .contains("cannot read organisation membership");

    github.signInAs(frank);
    assertThat(browser.signIn().statusCode()).isEqualTo(302);
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
  }

  @Test
  void someoneTakenOffTheUsersListIsRefusedAtTheirNextRequestUnlessGitHubVouchesForThem() {
    // Signed in while an earlier configuration listed them.
    SignInBrowser dave = signedInEarlierByTheList(new Account(6002, "dave", "Dave"));
    HttpResponse<String> refused = dave.api("/api/v1/me");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(WebHarness.json(refused).get("error").get("message").asText())
        .contains("@dave is no longer allowed");

    github.addOrgMember("acme", "erin");
    SignInBrowser erin = signedInEarlierByTheList(new Account(6003, "erin", "Erin"));
    assertThat(erin.api("/api/v1/me").statusCode()).isEqualTo(200);
  }

  @Test
  void withOnlyAUsersListSomeoneTakenOffItIsRefusedWithoutAskingGitHub() throws Exception {
    harness.close();
    harness =
        WebHarness.start(
            github.signInEnv(
                Map.of("DOCKHAND_PUBLIC_URL", PUBLIC_URL, "DOCKHAND_ALLOWED_USERS", "octocat")),
            WebLimits.DEFAULTS);
    SignInBrowser dave = signedInEarlierByTheList(new Account(6002, "dave", "Dave"));
    HttpResponse<String> refused = dave.api("/api/v1/me");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(WebHarness.json(refused).get("error").get("message").asText())
        .contains("not on DOCKHAND_ALLOWED_USERS");
    assertThat(github.membershipRequests()).isZero();
  }

  private SignInBrowser signedInEarlierByTheList(Account account) {
    return signedInEarlierByTheList(
        account, github.issueToken(account, "repo", "read:user", "read:org"));
  }

  private SignInBrowser signedInEarlierByTheList(Account account, String token) {
    User user =
        harness
            .auth()
            .users()
            .signedIn(
                new GitHubUser(account.id(), account.login(), Optional.empty(), Optional.empty()),
                new Secret(token));
    SignInBrowser browser = new SignInBrowser(harness, PUBLIC_URL);
    browser.setCookie("__Host-dockhand_session", harness.auth().sessions().create(user.id()));
    return browser;
  }

  @Test
  void whileGitHubIsDownAccessLastsTwiceTheRecheckAfterTheLastConfirmationThenStops() {
    SignInBrowser browser = signedIn();
    github.membershipOutage(502);

    lastConfirmedAgo(RECHECK.multipliedBy(3).dividedBy(2));
    int asked = github.membershipRequests();
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
    assertThat(github.membershipRequests()).isEqualTo(asked + 1);
    // GitHub is not asked again at every request while it is down.
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(200);
    assertThat(github.membershipRequests()).isEqualTo(asked + 1);

    lastConfirmedAgo(RECHECK.multipliedBy(2).plusMinutes(1));
    HttpResponse<String> unconfirmed = browser.api("/api/v1/me");
    assertThat(unconfirmed.statusCode()).isEqualTo(503);
    assertThat(WebHarness.json(unconfirmed).get("error").get("code").asText())
        .isEqualTo("upstream_unavailable");
    // Not a refusal: the stored token stays for when GitHub answers again.
    assertThat(harness.auth().users().gitToken(aliceId())).isPresent();
  }

  @Test
  void theLocalUserIsNeverRechecked() {
    User local = harness.auth().users().local();
    String token = harness.auth().tokens().create(local.id(), "admin").secret();
    assertThat(harness.get("/api/v1/me", token).statusCode()).isEqualTo(200);
    assertThat(github.membershipRequests()).isZero();
  }

  @Test
  void concurrentRequestsOfOneUserShareOneMembershipCheck() throws Exception {
    signedIn();
    lastConfirmedAgo(RECHECK.plusMinutes(1));
    AccessRules rules = harness.config().auth().access();
    AccessRecheck recheck =
        new AccessRecheck(
            rules, new AccessCheck(rules, github.url()), harness.auth().users(), Clock.systemUTC());
    User alice = harness.auth().users().find(aliceId()).orElseThrow();
    int asked = github.membershipRequests();
    github.holdMembershipAnswers();

    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> requests = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      requests.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      recheck.confirm(alice);
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    // Every request is parked (on the one check in flight, or in it) before GitHub answers.
    awaitCondition(
        () ->
            github.membershipRequests() == asked + 1
                && requests.stream().allMatch(MembershipRecheckTest::parked));
    github.releaseMembershipAnswers();
    for (Thread request : requests) {
      request.join(Duration.ofSeconds(10));
    }

    assertThat(failures).isEmpty();
    assertThat(github.membershipRequests()).isEqualTo(asked + 1);
  }

  private SignInBrowser signedIn() {
    SignInBrowser browser = new SignInBrowser(harness, PUBLIC_URL);
    assertThat(browser.signIn().statusCode()).isEqualTo(302);
    return browser;
  }

  private String apiToken() {
    return harness.auth().tokens().create(aliceId(), "cli").secret();
  }

  private long aliceId() {
    return harness
        .database()
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT id FROM users WHERE github_id = :id")
                    .bind("id", ALICE.id())
                    .mapTo(Long.class)
                    .one());
  }

  /** As if GitHub last confirmed Alice's membership this long ago. */
  private void lastConfirmedAgo(Duration ago) {
    harness
        .database()
        .write(
            handle ->
                handle
                    .createUpdate("UPDATE users SET access_checked_at = :at WHERE github_id = :id")
                    .bind("at", Clock.systemUTC().millis() - ago.toMillis())
                    .bind("id", ALICE.id())
                    .execute());
  }

  private long accessCheckedAt() {
    return harness
        .database()
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT access_checked_at FROM users WHERE github_id = :id")
                    .bind("id", ALICE.id())
                    .mapTo(Long.class)
                    .one());
  }

  /** Waiting on the check in flight, or in it for GitHub's answer (which has a time limit). */
  private static boolean parked(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  private static void awaitCondition(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
