package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.AttemptEnds;
import dev.dockhand.queue.AttemptOutcome;
import dev.dockhand.queue.Dispatcher;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskResult;
import dev.dockhand.queue.TaskStatus;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin routes over real HTTP, with the local user as the admin (local mode). */
class AdminApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private WebHarness harness;
  private final List<Dispatcher> dispatchers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    // One running task per user, so a second one stays queued.
    harness = WebHarness.start(Map.of("DOCKHAND_MAX_TASKS_PER_USER", "1"), WebLimits.DEFAULTS);
  }

  @AfterEach
  void stop() throws Exception {
    dispatchers.forEach(Dispatcher::shutdown);
    harness.close();
  }

  private String admin() {
    return harness.adminToken();
  }

  private static JsonNode error(HttpResponse<String> response) {
    return WebHarness.json(response).get("error");
  }

  private HttpResponse<String> put(String path, String token, String body) {
    return harness.send(
        harness
            .request(path, token)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private JsonNode userEntry(String login) {
    JsonNode users = WebHarness.json(harness.get("/api/v1/admin/users", admin())).get("items");
    for (JsonNode user : users) {
      if (user.get("login").asText().equals(login)) {
        return user;
      }
    }
    throw new AssertionError("no " + login + " in " + users);
  }

  private void spend(WebHarness.Person person, LocalDate day, double usd) {
    harness
        .database()
        .write(
            handle ->
                handle.execute(
                    "INSERT INTO user_spend (user_id, day, cost_usd) VALUES (?, ?, ?)",
                    person.id(),
                    day.toString(),
                    usd));
  }

  @Test
  void anAdminListsUsersWithTheirStateActiveTasksSpendAndLimits() {
    WebHarness.Person bob = harness.person("bob");
    harness.submit(bob);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    spend(bob, today, 1.5);
    assertThat(
            put("/api/v1/admin/users/" + bob.id() + "/budget", admin(), "{\"dailyUsd\":2.5}")
                .statusCode())
        .isEqualTo(200);

    JsonNode local = userEntry("local");
    assertThat(local.get("admin").asBoolean()).isTrue();
    assertThat(local.get("local").asBoolean()).isTrue();
    JsonNode seen = userEntry("bob");
    assertThat(seen.get("id").asLong()).isEqualTo(bob.id());
    assertThat(seen.get("name").asText()).isEqualTo("bob");
    assertThat(seen.get("admin").asBoolean()).isFalse();
    assertThat(seen.get("local").asBoolean()).isFalse();
    assertThat(seen.get("disabled").asBoolean()).isFalse();
    assertThat(seen.get("createdAt").asText()).isNotEmpty();
    assertThat(seen.get("activeTasks").asInt()).isEqualTo(1);
    assertThat(seen.get("spend").get("todayUsd").asDouble()).isEqualTo(1.5);
    assertThat(seen.get("spend").get("thisMonthUsd").asDouble()).isEqualTo(1.5);
    assertThat(seen.get("budget").get("dailyUsd").asDouble()).isEqualTo(2.5);
    assertThat(seen.get("budget").get("monthlyUsd").isNull()).isTrue();

    JsonNode page = WebHarness.json(harness.get("/api/v1/admin/users?limit=1", admin()));
    assertThat(page.get("items")).hasSize(1);
    JsonNode next =
        WebHarness.json(
            harness.get(
                "/api/v1/admin/users?limit=1&cursor=" + page.get("nextCursor").asText(), admin()));
    assertThat(next.get("items").get(0).get("login").asText()).isEqualTo("bob");
    assertThat(next.has("nextCursor")).isFalse();
  }

  @Test
  void aBudgetIsANonNegativeNumberOrNullForTheServersDefault() {
    WebHarness.Person bob = harness.person("bob");
    String path = "/api/v1/admin/users/" + bob.id() + "/budget";
    HttpResponse<String> set = put(path, admin(), "{\"dailyUsd\":5,\"monthlyUsd\":50.25}");
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(WebHarness.json(set).get("monthlyUsd").asDouble()).isEqualTo(50.25);
    assertThat(userEntry("bob").get("budget").get("dailyUsd").asDouble()).isEqualTo(5);

    assertThat(put(path, admin(), "{\"dailyUsd\":null,\"monthlyUsd\":null}").statusCode())
        .isEqualTo(200);
    assertThat(userEntry("bob").get("budget").get("dailyUsd").isNull()).isTrue();

    for (String[] bad :
        new String[][] {
          {"{\"dailyUsd\":-1}", "dailyUsd"},
          {"{\"monthlyUsd\":\"10\"}", "monthlyUsd"},
          {"{\"dailyUsd\":1e12}", "dailyUsd"},
          {"[1]", "body"}
        }) {
      HttpResponse<String> refused = put(path, admin(), bad[0]);
      assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(error(refused).get("field").asText()).isEqualTo(bad[1]);
    }
    assertThat(put("/api/v1/admin/users/999999/budget", admin(), "{}").statusCode()).isEqualTo(404);
  }

  @Test
  void theLimitAnAdminSetsIsTheOneTheUsersSubmitsAreHeldTo() {
    WebHarness.Person bob = harness.person("bob");
    spend(bob, LocalDate.now(ZoneOffset.UTC), 3.0);
    String submit = "{\"repo\":\"https://github.com/octo/hello.git\",\"prompt\":\"hi\"}";
    String path = "/api/v1/admin/users/" + bob.id() + "/budget";

    assertThat(put(path, admin(), "{\"dailyUsd\":2,\"monthlyUsd\":null}").statusCode())
        .isEqualTo(200);
    HttpResponse<String> refused = harness.post("/api/v1/tasks", bob.token(), submit);
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("message").asText()).contains("$2.00");

    assertThat(put(path, admin(), "{\"dailyUsd\":null,\"monthlyUsd\":null}").statusCode())
        .isEqualTo(200);
    assertThat(harness.post("/api/v1/tasks", bob.token(), submit).statusCode()).isEqualTo(201);
  }

  @Test
  void someoneWhoIsNotAnAdminGets403OnEveryAdminRoute() {
    WebHarness.Person bob = harness.person("bob");
    WebHarness.Person carol = harness.person("carol");
    List<HttpResponse<String>> answers =
        List.of(
            harness.get("/api/v1/admin/users", bob.token()),
            harness.get("/api/v1/admin/tasks", bob.token()),
            harness.post("/api/v1/admin/users/" + carol.id() + "/disable", bob.token(), ""),
            harness.post("/api/v1/admin/users/999999/enable", bob.token(), ""),
            put("/api/v1/admin/users/" + carol.id() + "/budget", bob.token(), "{}"));
    for (HttpResponse<String> answer : answers) {
      assertThat(answer.statusCode()).as(answer.uri().toString()).isEqualTo(403);
      assertThat(error(answer).get("message").asText()).contains("for admins");
    }
    assertThat(harness.auth().users().find(carol.id()).orElseThrow().disabled()).isFalse();
    assertThat(harness.get("/api/v1/admin/users", null).statusCode()).isEqualTo(401);

    String adminWrite =
        WebHarness.json(
                harness.post("/api/v1/tokens", admin(), "{\"name\":\"w\",\"scope\":\"write\"}"))
            .get("token")
            .asText();
    HttpResponse<String> narrow = harness.get("/api/v1/admin/users", adminWrite);
    assertThat(narrow.statusCode()).isEqualTo(403);
    assertThat(error(narrow).get("message").asText()).contains("scope admin");
  }

  @Test
  void theLocalUserAndUnknownUsersCannotBeDisabled() {
    WebHarness.Person local = harness.local();
    HttpResponse<String> self =
        harness.post("/api/v1/admin/users/" + local.id() + "/disable", admin(), "");
    assertThat(self.statusCode()).isEqualTo(409);
    assertThat(error(self).get("message").asText()).contains("yourself");
    for (String id : List.of("999999", "bob", "1e3")) {
      HttpResponse<String> unknown =
          harness.post("/api/v1/admin/users/" + id + "/disable", admin(), "");
      assertThat(unknown.statusCode()).as(id).isEqualTo(404);
      assertThat(error(unknown).get("code").asText()).isEqualTo("not_found");
      assertThat(harness.post("/api/v1/admin/users/" + id + "/enable", admin(), "").statusCode())
          .isEqualTo(404);
    }
    assertThat(harness.get("/api/v1/me", admin()).statusCode()).isEqualTo(200);
  }

  @Test
  void withGitHubSignInTheAdminsListedActAsAdminsButCannotDisableThemselvesOrTheLocalUser()
      throws Exception {
    try (WebHarness github =
        WebHarness.start(
            Map.of(
                "GITHUB_CLIENT_ID", "client-id",
                "GITHUB_CLIENT_SECRET", "client-secret",
                "DOCKHAND_ALLOW_ANY_GITHUB_USER", "true",
                "DOCKHAND_ADMINS", "Alice"),
            WebLimits.DEFAULTS)) {
      WebHarness.Person alice = github.person("alice");
      WebHarness.Person bob = github.person("bob");
      long local = github.auth().users().local().id();
      String cookie = HostCookie.SESSION + "=" + github.auth().sessions().create(alice.id());
      java.util.function.Function<String, HttpResponse<String>> disable =
          id ->
              github.send(
                  HttpRequest.newBuilder(github.url("/api/v1/admin/users/" + id + "/disable"))
                      .header("Cookie", cookie)
                      .header("Origin", github.origin())
                      .POST(HttpRequest.BodyPublishers.noBody())
                      .build());

      assertThat(WebHarness.json(github.get("/api/v1/me", bob.token())).get("admin").asBoolean())
          .isFalse();
      HttpResponse<String> self = disable.apply(Long.toString(alice.id()));
      assertThat(self.statusCode()).isEqualTo(409);
      assertThat(error(self).get("message").asText()).contains("yourself");
      HttpResponse<String> localUser = disable.apply(Long.toString(local));
      assertThat(localUser.statusCode()).isEqualTo(409);
      assertThat(error(localUser).get("message").asText()).contains("local user");
      assertThat(disable.apply(Long.toString(bob.id())).statusCode()).isEqualTo(204);
      assertThat(github.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(401);
      assertThat(github.get("/api/v1/admin/users", bob.token()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aDisabledUsersTokenSocketAndStreamStopAtOnceAndTheirTasksAreCancelled() throws Exception {
    WebHarness.Person bob = harness.person("bob");
    WebHarness.Person carol = harness.person("carol");
    CountDownLatch running = new CountDownLatch(1);
    AttemptEnds ends = new AttemptEnds(harness.hub());
    Dispatcher dispatcher =
        new Dispatcher(
            harness.queue(),
            context -> {
              CountDownLatch stopped = new CountDownLatch(1);
              context.onCancel(stopped::countDown);
              running.countDown();
              stopped.await();
              return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
            },
            harness.config().queue(),
            "admin-test",
            Clock.systemUTC());
    dispatchers.add(dispatcher);
    dispatcher.start();
    Task runningTask = ends.follow(harness.submit(bob));
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    Task queuedTask = harness.submit(bob);
    Task carolsTask = harness.submit(carol);
    String bobsSession = harness.auth().sessions().create(bob.id());

    WsClient socket = WsClient.bearer(harness, bob.token());
    socket.subscribe(runningTask.id(), 0);
    socket.until(frame -> frame.path("kind").asText().equals("task.started"), WAIT);
    CompletableFuture<Void> streamEnded = openStream(runningTask.id(), bob.token());
    WsClient carolsSocket = WsClient.bearer(harness, carol.token());

    HttpResponse<String> disabled =
        harness.post("/api/v1/admin/users/" + bob.id() + "/disable", admin(), "");
    assertThat(disabled.statusCode()).isEqualTo(204);

    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(401);
    assertThat(harness.auth().bySession(bobsSession)).isEmpty();
    assertThat(socket.closeCode().get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(LiveConnection.POLICY_VIOLATION);
    streamEnded.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThatThrownBy(() -> WsClient.bearer(harness, bob.token()))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            failure -> assertThat(failure.getResponse().statusCode()).isEqualTo(401));
    assertThat(ends.next())
        .isEqualTo(new AttemptEnds.End(runningTask.id(), 1, TaskStatus.CANCELLED));
    ends.close();
    assertThat(harness.queue().get(queuedTask.id()).orElseThrow().status())
        .isEqualTo(TaskStatus.CANCELLED);
    assertThat(userEntry("bob").get("disabled").asBoolean()).isTrue();
    assertThat(userEntry("bob").has("disabledAt")).isTrue();

    // Nobody else is touched.
    carolsSocket.send("{\"type\":\"ping\"}");
    assertThat(carolsSocket.until(frame -> frame.path("type").asText().equals("pong"), WAIT))
        .isNotEmpty();
    assertThat(harness.queue().get(carolsTask.id()).orElseThrow().status().terminal()).isFalse();
    carolsSocket.close();
    socket.close();

    assertThat(
            harness.post("/api/v1/admin/users/" + bob.id() + "/enable", admin(), "").statusCode())
        .isEqualTo(204);
    assertThat(harness.get("/api/v1/me", bob.token()).statusCode()).isEqualTo(200);
    assertThat(userEntry("bob").get("disabled").asBoolean()).isFalse();
  }

  /** Opens the task's SSE stream; the future completes when the server ends it. */
  private CompletableFuture<Void> openStream(String taskId, String token) throws Exception {
    HttpResponse<InputStream> response =
        harness
            .http()
            .send(
                harness.request("/api/v1/tasks/" + taskId + "/events/stream", token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo(": connected");
    return CompletableFuture.runAsync(
        () -> {
          try (reader) {
            while (reader.readLine() != null) {
              // Events until the server closes the stream.
            }
          } catch (java.io.IOException e) {
            // A reset also ends it.
          }
        });
  }

  @Test
  void anAdminReadsAnotherUsersTaskButCannotCancelItOrFollowItUp() throws Exception {
    WebHarness.Person bob = harness.person("bob");
    Task task = harness.submit(bob);
    harness.append(task.id(), new EventPayload.ToolCall("one", "bash", null));
    String path = "/api/v1/tasks/" + task.id();

    assertThat(harness.get(path, admin()).statusCode()).isEqualTo(200);
    assertThat(WebHarness.json(harness.get(path + "/events", admin())).get("items")).isNotEmpty();
    assertThat(harness.get(path + "/diff", admin()).statusCode()).isEqualTo(200);
    HttpResponse<InputStream> stream =
        harness
            .http()
            .send(
                harness.request(path + "/events/stream", admin()).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    stream.body().close();
    try (WsClient client = WsClient.bearer(harness, admin())) {
      client.subscribe(task.id(), 0);
      assertThat(client.until(frame -> frame.path("kind").asText().equals("tool.call"), WAIT))
          .isNotEmpty();
    }

    HttpResponse<String> cancel = harness.post(path + "/cancel", admin(), "");
    assertThat(cancel.statusCode()).isEqualTo(404);
    assertThat(harness.post(path + "/messages", admin(), "{\"content\":\"stop\"}").statusCode())
        .isEqualTo(404);
    assertThat(harness.queue().get(task.id()).orElseThrow().status()).isEqualTo(TaskStatus.QUEUED);

    WebHarness.Person carol = harness.person("carol");
    assertThat(harness.get(path, carol.token()).statusCode()).as("not an admin").isEqualTo(404);
    String adminWrite =
        WebHarness.json(
                harness.post("/api/v1/tokens", admin(), "{\"name\":\"w\",\"scope\":\"write\"}"))
            .get("token")
            .asText();
    assertThat(harness.get(path, adminWrite).statusCode())
        .as("an admin's write token reads only their own")
        .isEqualTo(404);
  }

  @Test
  void theAdminTaskListShowsEveryonesTasksWithTheirOwnerAndFilters() {
    WebHarness.Person bob = harness.person("bob");
    WebHarness.Person carol = harness.person("carol");
    Task bobs = harness.submit(bob);
    Task carols = harness.submit(carol);
    harness.queue().cancel(carols.id());

    JsonNode all = WebHarness.json(harness.get("/api/v1/admin/tasks", admin()));
    assertThat(all.get("items")).hasSize(2);
    assertThat(all.get("items").get(0).get("id").asText()).isEqualTo(carols.id());
    assertThat(all.get("items").get(0).get("owner").get("login").asText()).isEqualTo("carol");
    assertThat(all.get("items").get(1).get("owner").get("id").asLong()).isEqualTo(bob.id());

    for (String user : List.of("bob", "BOB", Long.toString(bob.id()))) {
      JsonNode mine =
          WebHarness.json(harness.get("/api/v1/admin/tasks?user=" + user, admin())).get("items");
      assertThat(mine).as(user).hasSize(1);
      assertThat(mine.get(0).get("id").asText()).isEqualTo(bobs.id());
    }
    JsonNode cancelled =
        WebHarness.json(harness.get("/api/v1/admin/tasks?status=cancelled", admin())).get("items");
    assertThat(cancelled).hasSize(1);
    assertThat(cancelled.get(0).get("id").asText()).isEqualTo(carols.id());

    JsonNode first = WebHarness.json(harness.get("/api/v1/admin/tasks?limit=1", admin()));
    JsonNode second =
        WebHarness.json(
            harness.get(
                "/api/v1/admin/tasks?limit=1&cursor=" + first.get("nextCursor").asText(), admin()));
    assertThat(second.get("items").get(0).get("id").asText()).isEqualTo(bobs.id());

    for (String[] bad :
        new String[][] {{"user=nobody", "user"}, {"status=done", "status"}, {"limit=0", "limit"}}) {
      HttpResponse<String> refused = harness.get("/api/v1/admin/tasks?" + bad[0], admin());
      assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(error(refused).get("field").asText()).isEqualTo(bad[1]);
    }
  }
}
