package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.testkit.GitHubOAuthStandIn.Account;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SignInAllowlistTest {
  private static final String PUBLIC_URL = "https://dockhand.example";
  private static final Account STRANGER = new Account(5001, "mallory", "Mallory");
  private static final Account ALICE = new Account(5002, "alice", "Alice");

  private GitHubOAuthStandIn github;
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubOAuthStandIn("client-123", "secret-456");
    harness = harness(Map.of());
  }

  private WebHarness harness(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_CLIENT_ID", "client-123");
    env.put("GITHUB_CLIENT_SECRET", "secret-456");
    env.put("GITHUB_URL", github.url().toString());
    env.put("GITHUB_API_URL", github.url().toString());
    env.put("DOCKHAND_PUBLIC_URL", PUBLIC_URL);
    env.put("DOCKHAND_ALLOWED_USERS", "octocat,local");
    env.put("DOCKHAND_ALLOWED_ORGS", "acme,bigco/platform");
    env.put("DOCKHAND_ADMINS", "octocat,hubot");
    env.put("DOCKHAND_GIT_TOKEN", "local-mode-git-token");
    env.putAll(extra);
    return WebHarness.start(env, WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    github.close();
  }

  @Test
  void aUserOnTheAllowedUsersListSignsIn() {
    SignInBrowser browser = browser();
    assertThat(browser.signIn().statusCode()).isEqualTo(302);
    JsonNode me = WebHarness.json(browser.api("/api/v1/me"));
    assertThat(me.get("login").asText()).isEqualTo("octocat");
  }

  @Test
  void aStrangerSeesAPageSayingWhoToAskAndNothingAboutThemIsKept() {
    github.signInAs(STRANGER);
    SignInBrowser browser = browser();
    HttpResponse<String> refused = browser.signIn();

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(refused.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(refused.body())
        .contains("@mallory")
        .contains("is not allowed")
        .contains("@hubot, @octocat")
        .contains("DOCKHAND_ALLOWED_USERS")
        .contains("DOCKHAND_ALLOWED_ORGS");
    assertThat(browser.cookie("__Host-dockhand_session")).isEmpty();
    assertThat(usersWithGitHubId(STRANGER.id())).isZero();
    assertThat(browser.api("/api/v1/me").statusCode()).isEqualTo(401);
  }

  @Test
  void withoutAdminsTheRefusalPageSendsThePersonToWhoeverRunsTheServer() throws Exception {
    harness.close();
    harness = harness(Map.of("DOCKHAND_ADMINS", ""));
    github.signInAs(STRANGER);
    HttpResponse<String> refused = browser().signIn();
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("the person who runs this server");
  }

  @Test
  void theRefusalPageEscapesWhatGitHubSaid() {
    github.signInAs(new Account(5003, "<img src=x onerror=alert(1)>", "X"));
    HttpResponse<String> refused = browser().signIn();
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body())
        .contains("@&lt;img src=x onerror=alert(1)&gt;")
        .doesNotContain("<img");
  }

  @Test
  void aClientThatDoesNotAskForHtmlGetsTheRefusalAsJson() {
    github.signInAs(STRANGER);
    SignInBrowser browser = browser();
    var callback = browser.beginAtGitHub();
    HttpResponse<String> refused =
        browser.send(
            HttpRequest.newBuilder(
                harness.url(callback.getRawPath() + "?" + callback.getRawQuery())));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(WebHarness.json(refused).get("error").get("code").asText()).isEqualTo("not_allowed");
  }

  @Test
  void anActiveOrgMemberSignsInAndTheLoginAsksForReadOrg() {
    github.addOrgMember("acme", "alice");
    github.signInAs(ALICE);
    SignInBrowser browser = browser();
    assertThat(browser.signIn().statusCode()).isEqualTo(302);
    assertThat(WebHarness.json(browser.api("/api/v1/me")).get("login").asText()).isEqualTo("alice");
    assertThat(github.authorizeRequests().getLast().get("scope").split(" "))
        .contains("repo", "read:user", "read:org");
    assertThat(accessCheckedAt("alice")).isNotNull();
  }

  @Test
  void aPendingInvitationToTheOrgIsNotMembership() {
    github.inviteToOrg("acme", "alice");
    github.signInAs(ALICE);
    assertThat(browser().signIn().statusCode()).isEqualTo(403);
    assertThat(usersWithGitHubId(ALICE.id())).isZero();
  }

  @Test
  void aTeamMemberSignsInButAMemberOfTheOrgOutsideTheTeamDoesNot() {
    github.addTeamMember("bigco", "platform", "bob");
    github.addOrgMember("bigco", "carol");

    github.signInAs(new Account(5004, "bob", "Bob"));
    SignInBrowser bob = browser();
    assertThat(bob.signIn().statusCode()).isEqualTo(302);
    assertThat(WebHarness.json(bob.api("/api/v1/me")).get("login").asText()).isEqualTo("bob");

    github.signInAs(new Account(5005, "carol", "Carol"));
    assertThat(browser().signIn().statusCode()).isEqualTo(403);
    assertThat(usersWithGitHubId(5005)).isZero();
  }

  @Test
  void whenGitHubCannotSayWhetherTheyAreAMemberTheSignInFailsWithAPage() {
    github.membershipOutage(502);
    github.signInAs(ALICE);
    HttpResponse<String> failed = browser().signIn();
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(failed.body()).contains("GitHub did not answer").contains("Sign in again");
    assertThat(usersWithGitHubId(ALICE.id())).isZero();
  }

  @Test
  void aSecondaryRateLimitOnTheMembershipCheckIsATryAgainNotARefusal() {
    github.membershipOutage(403, Map.of("Retry-After", "60"));
    github.signInAs(ALICE);
    HttpResponse<String> failed = browser().signIn();
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.body()).contains("GitHub did not answer").contains("Sign in again");
    assertThat(usersWithGitHubId(ALICE.id())).isZero();
  }

  @Test
  void aGitHubAccountNamedLocalIsAnotherPersonThanTheLocalUser() {
    // A server that once ran in local mode still has its local user.
    User localUser = harness.auth().users().local();
    github.signInAs(new Account(5006, "local", "Someone Called Local"));
    SignInBrowser browser = browser();
    assertThat(browser.signIn().statusCode()).isEqualTo(302);

    JsonNode me = WebHarness.json(browser.api("/api/v1/me"));
    assertThat(me.get("login").asText()).isEqualTo("local");
    long id = me.get("id").asLong();
    assertThat(id).isNotEqualTo(localUser.id());
    User signedIn = harness.auth().users().find(id).orElseThrow();
    assertThat(signedIn.local()).isFalse();
    assertThat(harness.auth().isAdmin(signedIn)).isFalse();
    // Tasks run with the person's own GitHub token, never DOCKHAND_GIT_TOKEN.
    assertThat(harness.auth().users().gitToken(id).orElseThrow().reveal())
        .isEqualTo(github.issuedTokens().getLast())
        .isNotEqualTo("local-mode-git-token");
    assertThat(harness.auth().users().local().id()).isEqualTo(localUser.id());
  }

  private SignInBrowser browser() {
    return new SignInBrowser(harness, PUBLIC_URL);
  }

  private int usersWithGitHubId(long githubId) {
    return harness
        .database()
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT COUNT(*) FROM users WHERE github_id = :id")
                    .bind("id", githubId)
                    .mapTo(Integer.class)
                    .one());
  }

  private Long accessCheckedAt(String login) {
    return harness
        .database()
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT access_checked_at FROM users WHERE login = :login")
                    .bind("login", login)
                    .mapTo(Long.class)
                    .one());
  }
}
