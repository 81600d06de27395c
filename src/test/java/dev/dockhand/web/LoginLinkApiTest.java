package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One-time sign-in links over HTTP: made with a credential as wide as a session, spent once from
 * the server's own pages for a session cookie, then refused.
 */
class LoginLinkApiTest {
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  private JsonNode makeLink(String token) {
    HttpResponse<String> made = harness.post("/api/v1/login-links", token, "{}");
    assertThat(made.statusCode()).as(made.body()).isEqualTo(201);
    return WebHarness.json(made);
  }

  private HttpResponse<String> spend(String secret, String origin) {
    HttpRequest.Builder request =
        harness
            .request("/auth/link", null)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"link\":\"" + secret + "\"}"));
    if (origin != null) {
      request.header("Origin", origin);
    }
    return harness.send(request.build());
  }

  private static String secretOf(JsonNode link) {
    String url = link.path("url").asText();
    return url.substring(url.indexOf("#/signin/") + "#/signin/".length());
  }

  @Test
  void theLinkOpensASessionOnceAndThenIsSpent() {
    JsonNode link = makeLink(harness.adminToken());
    assertThat(link.path("url").asText()).startsWith(harness.origin() + "/#/signin/dhl_");
    assertThat(Instant.parse(link.path("expiresAt").asText()))
        .isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(601));

    HttpResponse<String> first = spend(secretOf(link), harness.origin());
    assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("dockhand_session=", "HttpOnly", "SameSite=Lax");
    HttpResponse<String> me =
        harness.send(
            harness
                .request("/api/v1/me", null)
                .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                .GET()
                .build());
    assertThat(WebHarness.json(me).path("login").asText()).isEqualTo("local");
    assertThat(WebHarness.json(me).path("admin").asBoolean()).isTrue();

    HttpResponse<String> again = spend(secretOf(link), harness.origin());
    assertThat(again.statusCode()).isEqualTo(400);
    assertThat(WebHarness.json(again).path("error").path("field").asText()).isEqualTo("link");
    assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void anotherSiteCannotSpendALinkForTheBrowser() {
    String secret = secretOf(makeLink(harness.adminToken()));
    assertThat(spend(secret, "https://evil.example").statusCode()).isEqualTo(403);
    assertThat(spend(secret, null).statusCode()).isEqualTo(403);
    assertThat(spend(secret, harness.origin()).statusCode()).as("still unspent").isEqualTo(204);
  }

  @Test
  void onlyACredentialAsWideAndLastingAsASessionMakesALink() {
    WebHarness.Person bob = harness.person("bob");
    makeLink(bob.token());
    String narrow =
        WebHarness.json(
                harness.post(
                    "/api/v1/tokens", harness.adminToken(), "{\"name\":\"w\",\"scope\":\"write\"}"))
            .path("token")
            .asText();
    assertThat(harness.post("/api/v1/login-links", narrow, "{}").statusCode()).isEqualTo(403);
    String expiring =
        WebHarness.json(
                harness.post(
                    "/api/v1/tokens",
                    harness.adminToken(),
                    "{\"name\":\"e\",\"expiresAt\":\"" + Instant.now().plusSeconds(3600) + "\"}"))
            .path("token")
            .asText();
    assertThat(harness.post("/api/v1/login-links", expiring, "{}").statusCode()).isEqualTo(403);
    assertThat(harness.post("/api/v1/login-links", null, "{}").statusCode()).isEqualTo(401);
  }

  @Test
  void theSignInPageLearnsWhetherGitHubSignInExists() throws Exception {
    assertThat(WebHarness.json(harness.get("/auth/methods", null)).path("github").asBoolean())
        .isFalse();
    try (WebHarness github =
        WebHarness.start(
            Map.of(
                "GITHUB_CLIENT_ID", "id",
                "GITHUB_CLIENT_SECRET", "secret",
                "DOCKHAND_ALLOWED_USERS", "bob"),
            WebLimits.DEFAULTS)) {
      assertThat(WebHarness.json(github.get("/auth/methods", null)).path("github").asBoolean())
          .isTrue();
    }
  }
}
