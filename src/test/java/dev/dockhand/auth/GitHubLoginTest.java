package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.GitHubOAuthStandIn;
import dev.dockhand.web.WebHarness;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GitHubLoginTest {
  private static final String PUBLIC_URL = "https://dockhand.example";

  private GitHubOAuthStandIn github;
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    github = new GitHubOAuthStandIn("client-123", "secret-456");
    harness =
        WebHarness.start(
            github.signInEnv(
                Map.of("DOCKHAND_PUBLIC_URL", PUBLIC_URL, "DOCKHAND_ALLOWED_USERS", "octocat")),
            dev.dockhand.web.WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    github.close();
  }

  @Test
  void theLoginRedirectsToGitHubWithStateAndAnS256Challenge() {
    HttpResponse<String> login = harness.get("/auth/github/login", null);
    assertThat(login.statusCode()).isEqualTo(302);
    URI authorize = URI.create(login.headers().firstValue("Location").orElseThrow());
    assertThat(authorize.toString()).startsWith(github.url() + "/login/oauth/authorize?");
    assertThat(authorize.getQuery())
        .contains("client_id=client-123")
        .contains("code_challenge_method=S256")
        .contains("redirect_uri=" + PUBLIC_URL + "/auth/github/callback")
        .contains("state=");
  }

  @Test
  void aFullLoginCreatesTheUserStoresTheTokenEncryptedAndSetsAHostPrefixedCookie() {
    Login login = logIn(Optional.empty());
    assertThat(login.setCookie())
        .startsWith("__Host-dockhand_session=")
        .contains("Path=/")
        .contains("Secure")
        .contains("HttpOnly")
        .containsIgnoringCase("SameSite=Lax")
        .doesNotContainIgnoringCase("Domain=");
    assertThat(login.response().headers().firstValue("Location")).contains("/");
    JsonNode me = WebHarness.json(harness.send(withCookie("/api/v1/me", login.session()).build()));
    assertThat(me.get("login").asText()).isEqualTo("octocat");
    assertThat(me.get("name").asText()).isEqualTo("The Octocat");
    assertThat(me.get("mode").asText()).isEqualTo("github");
    String issued = github.issuedTokens().getFirst();
    String stored =
        harness
            .database()
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery("SELECT github_token_enc FROM users WHERE login = 'octocat'")
                        .mapTo(String.class)
                        .one());
    assertThat(stored).doesNotContain(issued);
    assertThat(harness.auth().users().gitToken(me.get("id").asLong()).orElseThrow().reveal())
        .isEqualTo(issued);
    JsonNode repos =
        WebHarness.json(harness.send(withCookie("/api/v1/repos", login.session()).build()));
    assertThat(repos.get("items").get(0).get("fullName").asText()).isEqualTo("octocat/hello");
  }

  @Test
  void aReplayedStateIsRefused() {
    Login login = logIn(Optional.empty());
    HttpResponse<String> replay = harness.send(HttpRequest.newBuilder(login.callback()).build());
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(WebHarness.json(replay).get("error").get("code").asText()).isEqualTo("login_failed");
    assertThat(replay.headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void aForgedStateIsRefusedBeforeAnyCodeExchange() {
    harness.get("/auth/github/login", null);
    HttpResponse<String> forged =
        harness.get("/auth/github/callback?code=abc&state=forged-state-value-0123456789", null);
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.headers().allValues("Set-Cookie")).isEmpty();
    assertThat(github.issuedTokens()).isEmpty();
  }

  @Test
  void theSessionIdChangesAtLoginAndTheOldOneStopsWorking() {
    Login first = logIn(Optional.empty());
    Login second = logIn(Optional.of(first.session()));
    assertThat(second.session()).isNotEqualTo(first.session());
    assertThat(harness.send(withCookie("/api/v1/me", first.session()).build()).statusCode())
        .isEqualTo(401);
    assertThat(harness.send(withCookie("/api/v1/me", second.session()).build()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void logoutEndsTheSessionAndClearsTheCookie() {
    Login login = logIn(Optional.empty());
    HttpResponse<String> logout =
        harness.send(
            withCookie("/auth/logout", login.session())
                .header("Origin", PUBLIC_URL)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(logout.headers().firstValue("Set-Cookie").orElse(""))
        .startsWith("__Host-dockhand_session=;")
        .containsAnyOf("Max-Age=0", "Expires=Thu, 01 Jan 1970");
    assertThat(harness.send(withCookie("/api/v1/me", login.session()).build()).statusCode())
        .isEqualTo(401);
  }

  private record Login(
      String session, String setCookie, URI callback, HttpResponse<String> response) {}

  /** Walks the browser's part: our login → GitHub's authorize → our callback (on loopback). */
  private Login logIn(Optional<String> existingSession) {
    HttpResponse<String> start = harness.get("/auth/github/login", null);
    String loginCookie =
        start.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("__Host-dockhand_login="))
            .map(c -> c.substring(0, c.indexOf(';')))
            .findFirst()
            .orElseThrow();
    URI authorize = URI.create(start.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> approved = harness.send(HttpRequest.newBuilder(authorize).build());
    assertThat(approved.statusCode()).isEqualTo(302);
    URI back = URI.create(approved.headers().firstValue("Location").orElseThrow());
    assertThat(back.toString()).startsWith(PUBLIC_URL + "/auth/github/callback?");
    URI callback = harness.url(back.getRawPath() + "?" + back.getRawQuery());
    HttpRequest.Builder request = HttpRequest.newBuilder(callback);
    request.header(
        "Cookie",
        loginCookie
            + existingSession.map(session -> "; __Host-dockhand_session=" + session).orElse(""));
    HttpResponse<String> response = harness.send(request.build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
    List<String> cookies = response.headers().allValues("Set-Cookie");
    String setCookie =
        cookies.stream()
            .filter(c -> c.startsWith("__Host-dockhand_session="))
            .findFirst()
            .orElseThrow();
    String session = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    return new Login(session, setCookie, callback, response);
  }

  private HttpRequest.Builder withCookie(String path, String session) {
    return HttpRequest.newBuilder(harness.url(path))
        .header("Cookie", "__Host-dockhand_session=" + session);
  }
}
