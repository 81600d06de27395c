package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.EventPayload;
import dev.dockhand.queue.Task;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskApiTest {
  private static final String VALID =
      "{\"repo\":\"https://github.com/octo/hello.git\",\"prompt\":\"add a README\"}";

  private WebHarness harness;
  private WebHarness.Person alice;

  @BeforeEach
  void start() throws Exception {
    harness =
        WebHarness.start(
            Map.of("DOCKHAND_SUBMIT_RATE", "600", "DOCKHAND_SUBMIT_BURST", "100"),
            WebLimits.DEFAULTS);
    alice = harness.person("alice");
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
  }

  @Test
  void submittingATaskAnswers201WithTheTaskAsDesignNamesIt() {
    HttpResponse<String> response =
        harness.post(
            "/api/v1/tasks",
            alice.token(),
            "{\"repo\":\"https://github.com/octo/hello.git\",\"branch\":\"main\","
                + "\"prompt\":\"add a README\",\"model\":\"claude-sonnet-4-5\","
                + "\"maxTurns\":12,\"budgetUsd\":2.5}");
    assertThat(response.statusCode()).isEqualTo(201);
    JsonNode task = WebHarness.json(response);
    assertThat(task.get("id").asText()).isNotBlank();
    assertThat(task.get("status").asText()).isEqualTo("queued");
    assertThat(task.get("attempt").isInt()).isTrue();
    assertThat(task.get("repo").asText()).isEqualTo("https://github.com/octo/hello.git");
    assertThat(task.get("branch").asText()).isEqualTo("main");
    assertThat(task.get("maxTurns").asInt()).isEqualTo(12);
    assertThat(task.get("budgetUsd").asDouble()).isEqualTo(2.5);
    assertThat(task.get("usage").has("costUsd")).isTrue();
    assertThat(task.has("timings")).isTrue();
    assertThat(task.get("createdAt").asText()).endsWith("Z");
    assertThat(task.has("userId")).isFalse();
    assertThat(task.has("leaseOwner")).isFalse();
    JsonNode fetched =
        WebHarness.json(harness.get("/api/v1/tasks/" + task.get("id").asText(), alice.token()));
    assertThat(fetched.get("id")).isEqualTo(task.get("id"));
  }

  @Test
  void invalidSubmissionsAnswer400NamingTheField() {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("{\"repo\":\"https://github.com/a/b\"}", "prompt"),
            Map.entry("{\"prompt\":\"x\"}", "repo"),
            Map.entry("{\"repo\":7,\"prompt\":\"x\"}", "repo"),
            Map.entry("{\"repo\":\"https://github.com/a/b\",\"prompt\":\"   \"}", "prompt"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"" + "p".repeat(100_001) + "\"}",
                "prompt"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"branch\":\"--force\"}",
                "branch"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"branch\":\"a..b\"}",
                "branch"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"model\":\"a b\"}",
                "model"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"maxTurns\":\"5\"}",
                "maxTurns"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"maxTurns\":0}",
                "maxTurns"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"maxTurns\":1.5}",
                "maxTurns"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"budgetUsd\":0}",
                "budgetUsd"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"budgetUsd\":1001}",
                "budgetUsd"),
            Map.entry(
                "{\"repo\":\"https://github.com/a/b\",\"prompt\":\"x\",\"budgetUsd\":true}",
                "budgetUsd"),
            Map.entry("[1,2]", "body"),
            Map.entry("{\"repo\":", "body"),
            Map.entry("", "body"));
    cases.forEach(
        (body, field) -> {
          HttpResponse<String> response = harness.post("/api/v1/tasks", alice.token(), body);
          assertThat(response.statusCode()).as(body).isEqualTo(400);
          JsonNode error = WebHarness.json(response).get("error");
          assertThat(error.get("code").asText()).isEqualTo("invalid");
          assertThat(error.get("field").asText()).as(body).isEqualTo(field);
          assertThat(error.get("message").asText()).isNotBlank();
        });
  }

  @Test
  void aTaskMayAddHostsWhichAreStoredInNormalFormAndReturnedByEveryRoute() {
    HttpResponse<String> response =
        harness.post(
            "/api/v1/tasks",
            alice.token(),
            withHosts(
                "\"Registry.Example.com\",\"*.example.org\",\"mirror.example.net:8443\","
                    + "\"registry.example.com\""));
    assertThat(response.statusCode()).isEqualTo(201);
    List<String> expected =
        List.of("registry.example.com", "*.example.org", "mirror.example.net:8443");
    String id = WebHarness.json(response).get("id").asText();
    assertThat(hosts(WebHarness.json(response))).containsExactlyElementsOf(expected);
    assertThat(hosts(WebHarness.json(harness.get("/api/v1/tasks/" + id, alice.token()))))
        .containsExactlyElementsOf(expected);
    JsonNode listed = WebHarness.json(harness.get("/api/v1/tasks", alice.token()));
    assertThat(hosts(listed.get("items").get(0))).containsExactlyElementsOf(expected);
    assertThat(harness.queue().get(id).orElseThrow().egressAllow())
        .containsExactlyElementsOf(expected);

    JsonNode plain = WebHarness.json(harness.post("/api/v1/tasks", alice.token(), VALID));
    assertThat(plain.get("egressAllow").isArray()).isTrue();
    assertThat(plain.get("egressAllow")).isEmpty();
  }

  @Test
  void aResumedTaskKeepsTheHostsItWasSubmittedWith() {
    String id =
        WebHarness.json(
                harness.post("/api/v1/tasks", alice.token(), withHosts("\"pypi.example.org\"")))
            .get("id")
            .asText();
    harness.post("/api/v1/tasks/" + id + "/cancel", alice.token(), "");
    harness.post("/api/v1/tasks/" + id + "/messages", alice.token(), "{\"content\":\"go on\"}");
    JsonNode resumed = WebHarness.json(harness.get("/api/v1/tasks/" + id, alice.token()));
    assertThat(resumed.get("attempt").asInt()).isEqualTo(2);
    assertThat(hosts(resumed)).containsExactly("pypi.example.org");
  }

  @Test
  void hostsAPersonMayNotAddAnswer400NamingEgressAllowAndTheEntry() {
    Map<String, String> cases =
        Map.ofEntries(
            Map.entry("\"10.0.0.1\"", "10.0.0.1"),
            Map.entry("\"127.0.0.1:8080\"", "127.0.0.1:8080"),
            Map.entry("\"[::1]:8080\"", "[::1]:8080"),
            Map.entry("\"*\"", "'*'"),
            Map.entry("\"*.com\"", "*.com"),
            Map.entry("\"ok.example.com\",\"exa mple.com\"", "exa mple.com"),
            Map.entry("\"host.example.com:99999\"", "host.example.com:99999"),
            Map.entry("\"\"", "empty"));
    cases.forEach(
        (hosts, named) -> {
          HttpResponse<String> response =
              harness.post("/api/v1/tasks", alice.token(), withHosts(hosts));
          assertThat(response.statusCode()).as(hosts).isEqualTo(400);
          JsonNode error = WebHarness.json(response).get("error");
          assertThat(error.get("field").asText()).as(hosts).isEqualTo("egressAllow");
          assertThat(error.get("message").asText()).as(hosts).contains(named);
        });
    StringBuilder tooMany = new StringBuilder();
    for (int i = 0; i < 21; i++) {
      tooMany.append(i == 0 ? "" : ",").append("\"h").append(i).append(".example.com\"");
    }
    for (String body :
        List.of(
            VALID.replace("}", ",\"egressAllow\":\"registry.example.com\"}"),
            VALID.replace("}", ",\"egressAllow\":[7]}"),
            VALID.replace("}", ",\"egressAllow\":{\"host\":\"a.example.com\"}}"),
            withHosts(tooMany.toString()))) {
      HttpResponse<String> response = harness.post("/api/v1/tasks", alice.token(), body);
      assertThat(response.statusCode()).as(body).isEqualTo(400);
      assertThat(WebHarness.json(response).get("error").get("field").asText())
          .isEqualTo("egressAllow");
    }
    assertThat(WebHarness.json(harness.get("/api/v1/tasks", alice.token())).get("items"))
        .as("nothing refused was stored")
        .isEmpty();
  }

  @Test
  void whenTheOperatorForbidsAddingHostsAnyHostIsRefusedButAnEmptyListIsFine() throws Exception {
    try (WebHarness closed =
        WebHarness.start(Map.of("DOCKHAND_EGRESS_USER_ADD", "false"), WebLimits.DEFAULTS)) {
      String token = closed.person("carol").token();
      HttpResponse<String> refused =
          closed.post("/api/v1/tasks", token, withHosts("\"registry.example.com\""));
      assertThat(refused.statusCode()).isEqualTo(400);
      JsonNode error = WebHarness.json(refused).get("error");
      assertThat(error.get("field").asText()).isEqualTo("egressAllow");
      assertThat(error.get("message").asText()).contains("DOCKHAND_EGRESS_ALLOW");
      assertThat(closed.post("/api/v1/tasks", token, withHosts("")).statusCode()).isEqualTo(201);
      assertThat(closed.post("/api/v1/tasks", token, VALID).statusCode()).isEqualTo(201);
    }
  }

  @Test
  void theSameIdempotencyKeyWithOtherHostsConflictsButTheSameHostsWrittenOtherwiseDoNot() {
    HttpResponse<String> first = submitWithKey("key-h", withHosts("\"a.example.com\""));
    assertThat(first.statusCode()).isEqualTo(201);
    HttpResponse<String> sameHosts = submitWithKey("key-h", withHosts("\"A.Example.com\""));
    assertThat(WebHarness.json(sameHosts).get("id")).isEqualTo(WebHarness.json(first).get("id"));
    assertThat(submitWithKey("key-h", withHosts("\"b.example.com\"")).statusCode()).isEqualTo(409);
    assertThat(submitWithKey("key-h", VALID).statusCode()).isEqualTo(409);
  }

  private static String withHosts(String entries) {
    return VALID.replace("}", ",\"egressAllow\":[" + entries + "]}");
  }

  private static List<String> hosts(JsonNode task) {
    List<String> hosts = new ArrayList<>();
    task.get("egressAllow").forEach(host -> hosts.add(host.asText()));
    return hosts;
  }

  @Test
  void aBodyOverTheCapAnswers413() {
    String huge = "{\"repo\":\"r\",\"prompt\":\"" + "x".repeat(300_000) + "\"}";
    HttpResponse<String> response = harness.post("/api/v1/tasks", alice.token(), huge);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(WebHarness.json(response).get("error").get("code").asText()).isEqualTo("too_large");
  }

  @Test
  void theSameIdempotencyKeyReturnsTheSameTaskAndADifferentBodyConflicts() {
    HttpResponse<String> first = submitWithKey("key-1", VALID);
    HttpResponse<String> again = submitWithKey("key-1", VALID);
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(WebHarness.json(again).get("id")).isEqualTo(WebHarness.json(first).get("id"));
    HttpResponse<String> conflict =
        submitWithKey("key-1", VALID.replace("add a README", "something else"));
    assertThat(conflict.statusCode()).isEqualTo(409);
    assertThat(WebHarness.json(conflict).get("error").get("code").asText()).isEqualTo("conflict");
  }

  private HttpResponse<String> submitWithKey(String key, String body) {
    return harness.send(
        harness
            .request("/api/v1/tasks", alice.token())
            .header("Idempotency-Key", key)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  @Test
  void submittingFasterThanTheRateAnswers429WithRetryAfter() throws Exception {
    try (WebHarness strict =
        WebHarness.start(
            Map.of("DOCKHAND_SUBMIT_RATE", "1", "DOCKHAND_SUBMIT_BURST", "2"),
            WebLimits.DEFAULTS)) {
      String token = strict.person("carol").token();
      assertThat(strict.post("/api/v1/tasks", token, VALID).statusCode()).isEqualTo(201);
      assertThat(strict.post("/api/v1/tasks", token, VALID).statusCode()).isEqualTo(201);
      HttpResponse<String> limited = strict.post("/api/v1/tasks", token, VALID);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong).orElseThrow())
          .isBetween(1L, 60L);
      assertThat(strict.post("/api/v1/tasks", strict.person("dave").token(), VALID).statusCode())
          .as("another user has a bucket of their own")
          .isEqualTo(201);
    }
  }

  @Test
  void submittingOverTheActiveTaskQuotaAnswers429() throws Exception {
    try (WebHarness strict =
        WebHarness.start(Map.of("DOCKHAND_MAX_ACTIVE_TASKS_PER_USER", "2"), WebLimits.DEFAULTS)) {
      String token = strict.person("carol").token();
      strict.post("/api/v1/tasks", token, VALID);
      strict.post("/api/v1/tasks", token, VALID);
      HttpResponse<String> limited = strict.post("/api/v1/tasks", token, VALID);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Retry-After")).isPresent();
    }
  }

  @Test
  void theListIsNewestFirstAndCursorPaged() {
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      submitted.add(
          WebHarness.json(harness.post("/api/v1/tasks", alice.token(), VALID)).get("id").asText());
    }
    List<String> listed = new ArrayList<>();
    String path = "/api/v1/tasks?limit=2";
    while (path != null) {
      JsonNode page = WebHarness.json(harness.get(path, alice.token()));
      page.get("items").forEach(task -> listed.add(task.get("id").asText()));
      path =
          page.has("nextCursor")
              ? "/api/v1/tasks?limit=2&cursor=" + page.get("nextCursor").asText()
              : null;
    }
    assertThat(listed).containsExactlyElementsOf(submitted.reversed());
    assertThat(harness.get("/api/v1/tasks?status=bogus", alice.token()).statusCode())
        .isEqualTo(400);
    assertThat(harness.get("/api/v1/tasks?limit=0", alice.token()).statusCode()).isEqualTo(400);
    JsonNode queued = WebHarness.json(harness.get("/api/v1/tasks?status=queued", alice.token()));
    assertThat(queued.get("items")).hasSize(5);
  }

  @Test
  void cancelAndFollowUpAnswer202() {
    String id =
        WebHarness.json(harness.post("/api/v1/tasks", alice.token(), VALID)).get("id").asText();
    HttpResponse<String> message =
        harness.post(
            "/api/v1/tasks/" + id + "/messages", alice.token(), "{\"content\":\"also tests\"}");
    assertThat(message.statusCode()).isEqualTo(202);
    assertThat(harness.post("/api/v1/tasks/" + id + "/messages", alice.token(), "{}").statusCode())
        .isEqualTo(400);
    HttpResponse<String> cancel =
        harness.post("/api/v1/tasks/" + id + "/cancel", alice.token(), "");
    assertThat(cancel.statusCode()).isEqualTo(202);
    assertThat(
            WebHarness.json(harness.get("/api/v1/tasks/" + id, alice.token()))
                .get("status")
                .asText())
        .isEqualTo("cancelled");
  }

  @Test
  void eventsArePagedAfterASeq() {
    Task task = harness.submit(alice);
    for (int i = 0; i < 5; i++) {
      harness.append(task.id(), new EventPayload.ToolCall("c" + i, "bash", null));
    }
    JsonNode page =
        WebHarness.json(
            harness.get("/api/v1/tasks/" + task.id() + "/events?after=2&limit=2", alice.token()));
    assertThat(page.get("items"))
        .extracting(event -> event.get("seq").asLong())
        .containsExactly(3L, 4L);
    assertThat(page.get("nextAfter").asLong()).isEqualTo(4);
    assertThat(page.get("items").get(0).get("kind").asText()).isNotBlank();
    assertThat(
            harness
                .get("/api/v1/tasks/" + task.id() + "/events?after=-1", alice.token())
                .statusCode())
        .isEqualTo(400);
  }

  @Test
  void theDiffIsServedAsTextXDiff() {
    Task task = harness.submit(alice);
    HttpResponse<String> diff = harness.get("/api/v1/tasks/" + task.id() + "/diff", alice.token());
    assertThat(diff.statusCode()).isEqualTo(200);
    assertThat(diff.headers().firstValue("Content-Type").orElse("")).startsWith("text/x-diff");
  }

  @Test
  void anotherUsersTaskIsNotFoundOnEveryRoute() {
    Task alices = harness.submit(alice);
    String bob = harness.person("bob").token();
    String base = "/api/v1/tasks/" + alices.id();
    for (HttpResponse<String> response :
        List.of(
            harness.get(base, bob),
            harness.get(base + "/diff", bob),
            harness.get(base + "/events", bob),
            harness.post(base + "/cancel", bob, ""),
            harness.post(base + "/messages", bob, "{\"content\":\"hi\"}"))) {
      assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(404);
      assertThat(WebHarness.json(response).get("error").get("code").asText())
          .isEqualTo("not_found");
    }
    assertThat(WebHarness.json(harness.get("/api/v1/tasks", bob)).get("items")).isEmpty();
    assertThat(WebHarness.json(harness.get(base, alice.token())).get("status").asText())
        .isEqualTo("queued");
  }
}
