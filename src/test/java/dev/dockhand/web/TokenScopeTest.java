package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Token scopes and expiry, and how often a credential's use is written, over real HTTP. */
class TokenScopeTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SUBMIT =
      "{\"repo\":\"https://github.com/octo/hello.git\",\"prompt\":\"say hello\"}";

  private WebHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = WebHarness.start();
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  /** Creates a token with the caller's credential; returns the parsed answer (status 201). */
  private JsonNode createToken(String callerToken, String body) {
    HttpResponse<String> created = harness.post("/api/v1/tokens", callerToken, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return WebHarness.json(created);
  }

  private static JsonNode error(HttpResponse<String> response) {
    return WebHarness.json(response).get("error");
  }

  @Test
  void aReadTokenCanLookAtTasksButItsSubmitIsRefusedWith403() throws Exception {
    WebHarness.Person alice = harness.person("alice");
    Task task = harness.submit(alice);
    harness.append(task.id(), new EventPayload.ToolCall("one", "bash", null));
    String reader =
        createToken(alice.token(), "{\"name\":\"dashboard\",\"scope\":\"read\"}")
            .get("token")
            .asText();

    assertThat(harness.get("/api/v1/tasks", reader).statusCode()).isEqualTo(200);
    assertThat(harness.get("/api/v1/tasks/" + task.id(), reader).statusCode()).isEqualTo(200);
    assertThat(harness.get("/api/v1/tasks/" + task.id() + "/events", reader).statusCode())
        .isEqualTo(200);
    JsonNode me = WebHarness.json(harness.get("/api/v1/me", reader));
    assertThat(me.get("scope").asText()).isEqualTo("read");
    assertThat(me.get("admin").asBoolean()).isFalse();

    HttpResponse<String> submit = harness.post("/api/v1/tasks", reader, SUBMIT);
    assertThat(submit.statusCode()).isEqualTo(403);
    assertThat(error(submit).get("code").asText()).isEqualTo("forbidden");
    assertThat(error(submit).get("message").asText()).contains("scope read", "scope write");
    assertThat(harness.post("/api/v1/tasks/" + task.id() + "/cancel", reader, "").statusCode())
        .isEqualTo(403);
    assertThat(harness.queue().get(task.id()).orElseThrow().status().wire()).isEqualTo("queued");
    assertThat(harness.post("/api/v1/tokens", reader, "{\"name\":\"more\"}").statusCode())
        .isEqualTo(403);

    try (WsClient client = WsClient.bearer(harness, reader)) {
      client.subscribe(task.id(), 0);
      assertThat(client.until(frame -> frame.path("kind").asText().equals("tool.call"), WAIT))
          .isNotEmpty();
    }
  }

  @Test
  void aTokenCannotMakeAWiderOneAndAdminIsOnlyForAdmins() {
    WebHarness.Person alice = harness.person("alice");
    HttpResponse<String> refused =
        harness.post("/api/v1/tokens", alice.token(), "{\"name\":\"x\",\"scope\":\"admin\"}");
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(error(refused).get("message").asText()).contains("only for admins");

    String adminWrite =
        createToken(harness.adminToken(), "{\"name\":\"w\",\"scope\":\"write\"}")
            .get("token")
            .asText();
    HttpResponse<String> wider =
        harness.post("/api/v1/tokens", adminWrite, "{\"name\":\"x\",\"scope\":\"admin\"}");
    assertThat(wider.statusCode()).isEqualTo(403);
    assertThat(error(wider).get("message").asText()).contains("scope write", "wider", "admin");

    JsonNode byDefault = createToken(alice.token(), "{\"name\":\"same\"}");
    assertThat(byDefault.get("scope").asText()).as("the caller's own scope").isEqualTo("write");
    assertThat(byDefault.has("expiresAt")).isFalse();
    assertThat(createToken(harness.adminToken(), "{\"name\":\"a\"}").get("scope").asText())
        .isEqualTo("admin");

    HttpResponse<String> unknown =
        harness.post("/api/v1/tokens", alice.token(), "{\"name\":\"x\",\"scope\":\"root\"}");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(error(unknown).get("field").asText()).isEqualTo("scope");
  }

  @Test
  void anExpiryMustBeAnInstantInTheNextYearAndIsListedWithTheScope() {
    WebHarness.Person alice = harness.person("alice");
    for (String expiresAt :
        List.of(
            "tomorrow",
            Instant.now().minusSeconds(60).toString(),
            Instant.now().plus(Duration.ofDays(400)).toString())) {
      HttpResponse<String> refused =
          harness.post(
              "/api/v1/tokens",
              alice.token(),
              "{\"name\":\"x\",\"expiresAt\":\"" + expiresAt + "\"}");
      assertThat(refused.statusCode()).as(expiresAt).isEqualTo(400);
      assertThat(error(refused).get("field").asText()).isEqualTo("expiresAt");
    }
    Instant expiry =
        Instant.now().plus(Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    createToken(
        alice.token(), "{\"name\":\"ci\",\"scope\":\"read\",\"expiresAt\":\"" + expiry + "\"}");
    JsonNode listed = WebHarness.json(harness.get("/api/v1/tokens", alice.token())).get("items");
    JsonNode ci = null;
    for (JsonNode token : listed) {
      if (token.get("name").asText().equals("ci")) {
        ci = token;
      }
    }
    assertThat(ci).isNotNull();
    assertThat(ci.get("scope").asText()).isEqualTo("read");
    assertThat(Instant.parse(ci.get("expiresAt").asText())).isEqualTo(expiry);
  }

  @Test
  void anExpiredTokenIs401AndATokenItMadeCannotOutliveIt() {
    WebHarness.Person alice = harness.person("alice");
    Instant expiry =
        Instant.now().plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    JsonNode shortLived =
        createToken(alice.token(), "{\"name\":\"short\",\"expiresAt\":\"" + expiry + "\"}");
    String secret = shortLived.get("token").asText();

    HttpResponse<String> outliving =
        harness.post(
            "/api/v1/tokens",
            secret,
            "{\"name\":\"longer\",\"expiresAt\":\"" + expiry.plusSeconds(60) + "\"}");
    assertThat(outliving.statusCode()).isEqualTo(400);
    assertThat(error(outliving).get("field").asText()).isEqualTo("expiresAt");
    JsonNode inherited = createToken(secret, "{\"name\":\"child\"}");
    assertThat(Instant.parse(inherited.get("expiresAt").asText())).isEqualTo(expiry);

    // The expiry passes: moved into the past in the store, as time would.
    harness
        .database()
        .write(
            handle ->
                handle
                    .createUpdate("UPDATE api_tokens SET expires_at = :past WHERE id = :id")
                    .bind("past", System.currentTimeMillis() - 1)
                    .bind("id", shortLived.get("id").asText())
                    .execute());
    HttpResponse<String> expired = harness.get("/api/v1/me", secret);
    assertThat(expired.statusCode()).isEqualTo(401);
    assertThat(error(expired).get("code").asText()).isEqualTo("unauthenticated");
    assertThatThrownBy(() -> WsClient.bearer(harness, secret))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            failure -> assertThat(failure.getResponse().statusCode()).isEqualTo(401));
  }

  @Test
  void aSessionActsAsAdminForAnAdminAndAsWriteForEveryoneElse() {
    WebHarness.Person bob = harness.person("bob");
    for (var person : List.of(harness.local(), bob)) {
      String cookie = HostCookie.SESSION + "=" + harness.auth().sessions().create(person.id());
      JsonNode me =
          WebHarness.json(
              harness.send(
                  HttpRequest.newBuilder(harness.url("/api/v1/me"))
                      .header("Cookie", cookie)
                      .build()));
      boolean admin = person.user().local();
      assertThat(me.get("admin").asBoolean()).isEqualTo(admin);
      assertThat(me.get("scope").asText()).isEqualTo(admin ? "admin" : "write");
    }
  }

  @Test
  void fiftyRequestsAtOnceWriteATokensAndASessionsLastUseOnce() throws Exception {
    WebHarness.Person alice = harness.person("alice");
    String cookie = HostCookie.SESSION + "=" + harness.auth().sessions().create(alice.id());
    // Created now, the session counts as seen now; make its last sighting old enough to slide.
    harness
        .database()
        .write(
            handle ->
                handle.execute(
                    "UPDATE sessions SET last_seen_at = ?", System.currentTimeMillis() - 120_000));
    harness
        .database()
        .write(
            handle -> {
              handle.execute("CREATE TABLE credential_writes (what TEXT NOT NULL)");
              handle.execute(
                  "CREATE TRIGGER token_use_written AFTER UPDATE OF last_used_at ON api_tokens"
                      + " BEGIN INSERT INTO credential_writes VALUES ('token'); END");
              handle.execute(
                  "CREATE TRIGGER session_use_written AFTER UPDATE OF last_seen_at ON sessions"
                      + " BEGIN INSERT INTO credential_writes VALUES ('session'); END");
              return null;
            });

    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      answers.add(
          harness
              .http()
              .sendAsync(
                  harness.request("/api/v1/tasks", alice.token()).build(),
                  HttpResponse.BodyHandlers.ofString()));
      answers.add(
          harness
              .http()
              .sendAsync(
                  HttpRequest.newBuilder(harness.url("/api/v1/tasks"))
                      .header("Cookie", cookie)
                      .build(),
                  HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> answer : answers) {
      assertThat(answer.get().statusCode()).isEqualTo(200);
    }
    List<String> writes =
        harness
            .database()
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery("SELECT what FROM credential_writes ORDER BY what")
                        .mapTo(String.class)
                        .list());
    assertThat(writes).containsExactly("session", "token");
  }
}
