package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.testkit.GitHubOAuthStandIn.Account;
import dev.dockhand.web.WebHarness;
import dev.dockhand.web.WebLimits;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Login CSRF: a login begun in one browser cannot be finished in another. */
class LoginBrowserBindingTest {
  private static final String PUBLIC_URL = "https://dockhand.example";
  private static final String LOGIN_COOKIE = "__Host-dockhand_login";
  private static final String SESSION_COOKIE = "__Host-dockhand_session";

  private GitHubOAuthStandIn github;
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubOAuthStandIn("client-123", "secret-456");
    harness = harness(PUBLIC_URL);
  }

  private WebHarness harness(String publicUrl) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("GITHUB_CLIENT_ID", "client-123");
    env.put("GITHUB_CLIENT_SECRET", "secret-456");
    env.put("GITHUB_URL", github.url().toString());
    env.put("GITHUB_API_URL", github.url().toString());
    if (publicUrl != null) {
      env.put("DOCKHAND_PUBLIC_URL", publicUrl);
    }
    env.put("DOCKHAND_ALLOWED_USERS", "octocat,attacker");
    return WebHarness.start(env, WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    github.close();
  }

  @Test
  void theLoginStartSetsAHostPrefixedCookieWhoseHashTheStateKeeps() {
    HttpResponse<String> start = harness.get("/auth/github/login", null);
    String setCookie =
        start.headers().allValues("Set-Cookie").stream()
            .filter(cookie -> cookie.startsWith(LOGIN_COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie)
        .contains("Path=/")
        .contains("Secure")
        .contains("HttpOnly")
        .containsIgnoringCase("SameSite=Lax")
        .contains("Max-Age=600")
        .doesNotContainIgnoringCase("Domain=");
    String nonce = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    assertThat(nonce).hasSizeGreaterThanOrEqualTo(43);
    String stored =
        harness
            .database()
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery("SELECT browser_hash FROM oauth_states")
                        .mapTo(String.class)
                        .one());
    assertThat(stored).isEqualTo(sha256(nonce)).isNotEqualTo(nonce);
  }

  @Test
  void aCallbackForALoginBegunInAnotherBrowserIsRefusedAndSignsNobodyIn() {
    // The attacker begins a login as themselves and stops at GitHub's redirect back.
    github.signInAs(new Account(7001, "attacker", "Attacker"));
    URI attackersCallback = new SignInBrowser(harness, PUBLIC_URL).beginAtGitHub();

    // The victim's browser, which began its own login, is made to follow that link.
    SignInBrowser victim = new SignInBrowser(harness, PUBLIC_URL);
    victim.beginAtGitHub();
    assertThat(victim.cookie(LOGIN_COOKIE)).isPresent();
    HttpResponse<String> refused = victim.arriveAt(attackersCallback);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("not started in this browser");
    assertThat(victim.cookie(SESSION_COOKIE)).isEmpty();
    assertThat(victim.cookie(LOGIN_COOKIE)).as("spent").isEmpty();
    assertThat(github.issuedTokens()).as("no code exchanged").isEmpty();
    assertThat(victim.api("/api/v1/me").statusCode()).isEqualTo(401);
  }

  @Test
  void aCallbackWithoutTheLoginCookieIsRefused() {
    URI callback = new SignInBrowser(harness, PUBLIC_URL).beginAtGitHub();
    SignInBrowser cookieless = new SignInBrowser(harness, PUBLIC_URL);
    HttpResponse<String> refused = cookieless.arriveAt(callback);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(cookieless.cookie(SESSION_COOKIE)).isEmpty();
    assertThat(usersCount()).isZero();
  }

  @Test
  void theStateIsSpentByARefusedCallbackSoTheRightfulBrowserMustStartAgain() {
    SignInBrowser owner = new SignInBrowser(harness, PUBLIC_URL);
    URI callback = owner.beginAtGitHub();
    assertThat(new SignInBrowser(harness, PUBLIC_URL).arriveAt(callback).statusCode())
        .isEqualTo(400);
    assertThat(owner.arriveAt(callback).statusCode()).isEqualTo(400);
    assertThat(owner.signIn().statusCode()).isEqualTo(302);
  }

  @Test
  void overPlainHttpTheCookieIsNotHostPrefixedNorSecure() throws Exception {
    harness.close();
    harness = harness(null);
    String setCookie =
        harness.get("/auth/github/login", null).headers().allValues("Set-Cookie").stream()
            .filter(cookie -> cookie.startsWith("dockhand_login="))
            .findFirst()
            .orElseThrow();
    assertThat(setCookie).contains("HttpOnly").doesNotContain("Secure");
  }

  private int usersCount() {
    return harness
        .database()
        .jdbi()
        .withHandle(
            handle -> handle.createQuery("SELECT COUNT(*) FROM users").mapTo(Integer.class).one());
  }

  private static String sha256(String value) throws RuntimeException {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
