package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountApiTest {
  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void localModeWritesTheAdminTokenOnceToAnOwnerOnlyFileAndItSignsInAsLocal() throws Exception {
    var file = harness.dataDir().resolve("admin-token");
    assertThat(Files.readString(file).trim()).isEqualTo(harness.adminToken()).startsWith("dh_");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(harness.auth().bootstrapLocalAdmin()).isEmpty();
    JsonNode me = WebHarness.json(harness.get("/api/v1/me", harness.adminToken()));
    assertThat(me.get("login").asText()).isEqualTo("local");
    assertThat(me.get("mode").asText()).isEqualTo("local");
  }

  @Test
  void aTokenIsShownOnceListedWithoutItsValueAndStopsWorkingWhenRevoked() {
    String admin = harness.adminToken();
    HttpResponse<String> created = harness.post("/api/v1/tokens", admin, "{\"name\":\"laptop\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode token = WebHarness.json(created);
    String secret = token.get("token").asText();
    assertThat(secret).startsWith("dh_").hasSizeGreaterThan(40);
    assertThat(harness.get("/api/v1/me", secret).statusCode()).isEqualTo(200);
    HttpResponse<String> listed = harness.get("/api/v1/tokens", admin);
    assertThat(listed.body()).contains("laptop").doesNotContain(secret);
    String storedHashes =
        harness
            .database()
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery("SELECT group_concat(token_hash) FROM api_tokens")
                        .mapTo(String.class)
                        .one());
    assertThat(storedHashes).doesNotContain(secret);
    assertThat(harness.delete("/api/v1/tokens/" + token.get("id").asText(), admin).statusCode())
        .isEqualTo(204);
    assertThat(harness.get("/api/v1/me", secret).statusCode()).isEqualTo(401);
    assertThat(harness.delete("/api/v1/tokens/" + token.get("id").asText(), admin).statusCode())
        .isEqualTo(404);
    assertThat(harness.post("/api/v1/tokens", admin, "{\"name\":\"\"}").statusCode())
        .isEqualTo(400);
  }

  @Test
  void anotherUsersTokenCannotBeRevoked() {
    WebHarness.Person bob = harness.person("bob");
    String bobsTokenId = harness.auth().tokens().list(bob.id()).getFirst().id();
    assertThat(harness.delete("/api/v1/tokens/" + bobsTokenId, harness.adminToken()).statusCode())
        .isEqualTo(404);
    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(200);
  }

  @Test
  void everyApiRouteAndMetricsNeedACallerWhileHealthAndReadinessArePublic() {
    for (String path :
        new String[] {
          "/api/v1/me",
          "/api/v1/tasks",
          "/api/v1/tokens",
          "/api/v1/repos",
          "/metrics",
          "/api/v1/openapi.json"
        }) {
      HttpResponse<String> response = harness.get(path, null);
      assertThat(response.statusCode()).as(path).isEqualTo(401);
      assertThat(WebHarness.json(response).get("error").get("code").asText())
          .isEqualTo("unauthenticated");
    }
    assertThat(harness.get("/api/v1/me", "dh_forged").statusCode()).isEqualTo(401);
    assertThat(harness.get("/healthz", null).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = harness.get("/readyz", null);
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).doesNotContain(harness.adminToken()).doesNotContain("jdbc");
  }

  @Test
  void metricsExposeTasksConnectionsEventsAndLatencies() {
    harness.submit(harness.local());
    harness.get("/api/v1/me", harness.adminToken());
    harness.metrics().runningSandboxes(3);
    String metrics = harness.get("/metrics", harness.adminToken()).body();
    assertThat(metrics)
        .contains("dockhand_tasks{status=\"queued\"} 1.0")
        .contains("dockhand_queue_depth 1.0")
        .contains("dockhand_sandboxes_running 3.0")
        .contains("dockhand_ws_connections")
        .contains("dockhand_events_sent_total")
        .contains("dockhand_model_tokens_total")
        .contains("dockhand_model_cost_usd_total")
        .contains(
            "dockhand_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/me\",status=\"200\"}");
  }

  @Test
  void responsesCarrySecurityHeadersAndTheWebAppIsServedAtTheRoot() {
    HttpResponse<String> index = harness.get("/", null);
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(index.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("frame-ancestors 'none'")
        .contains("default-src 'self'");
    assertThat(index.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(index.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    HttpResponse<String> unknown = harness.get("/no/such/page", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(WebHarness.json(unknown).get("error").get("code").asText()).isEqualTo("not_found");
  }

  @Test
  void aCookieAuthenticatedMutationFromAnotherSiteIsRefused() {
    WebHarness.Person bob = harness.person("bob");
    String cookie = HostCookie.SESSION + "=" + harness.auth().sessions().create(bob.id());
    HttpRequest.Builder post =
        HttpRequest.newBuilder(harness.url("/api/v1/tokens"))
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}"));
    assertThat(
            harness.send(post.copy().header("Origin", "https://evil.example").build()).statusCode())
        .isEqualTo(403);
    assertThat(
            harness.send(post.copy().header("Sec-Fetch-Site", "cross-site").build()).statusCode())
        .isEqualTo(403);
    assertThat(harness.send(post.copy().header("Origin", harness.origin()).build()).statusCode())
        .isEqualTo(201);
    HttpRequest read =
        HttpRequest.newBuilder(harness.url("/api/v1/me"))
            .header("Cookie", cookie)
            .header("Origin", "https://evil.example")
            .build();
    assertThat(harness.send(read).statusCode()).as("reads are not mutations").isEqualTo(200);
  }
}
