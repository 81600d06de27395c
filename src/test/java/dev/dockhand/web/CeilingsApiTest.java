package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.queue.ManualClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's ceilings as a person meets them over HTTP: what one request may ask for, what one
 * person may spend per day and month, and how follow-ups count against the same limits as submits.
 */
class CeilingsApiTest {
  private static final String TASK =
      "{\"repo\":\"https://github.com/octo/hello.git\",\"prompt\":\"add a README\"";

  private final ManualClock clock = new ManualClock(Instant.parse("2030-01-31T22:00:00Z"));
  private WebHarness harness;

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private WebHarness start(String... pairs) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKHAND_SUBMIT_RATE", "600");
    env.put("DOCKHAND_SUBMIT_BURST", "100");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    harness = WebHarness.start(env, WebLimits.DEFAULTS, clock);
    return harness;
  }

  private HttpResponse<String> submit(WebHarness.Person person, String extra) {
    return harness.post("/api/v1/tasks", person.token(), TASK + extra + "}");
  }

  private HttpResponse<String> message(WebHarness.Person person, String taskId, String content) {
    return harness.post(
        "/api/v1/tasks/" + taskId + "/messages",
        person.token(),
        "{\"content\":\"" + content + "\"}");
  }

  private static JsonNode error(HttpResponse<String> response) {
    return WebHarness.json(response).get("error");
  }

  @Test
  void aRequestOverACeilingAnswers400NamingTheFieldAndTheCeiling() throws Exception {
    start(
        "DOCKHAND_MODELS", "claude-sonnet-4-5,claude-haiku-4*",
        "DOCKHAND_MAX_TASK_BUDGET_USD", "10",
        "DOCKHAND_MAX_TASK_TURNS", "60");
    WebHarness.Person alice = harness.person("alice");
    Map<String, String[]> cases =
        Map.of(
            ",\"model\":\"claude-opus-4-5\"",
            new String[] {
              "model",
              "model claude-opus-4-5 is not allowed here; allowed (DOCKHAND_MODELS):"
                  + " claude-sonnet-4-5, claude-haiku-4*"
            },
            ",\"budgetUsd\":10.01",
            new String[] {
              "budgetUsd", "budgetUsd must be at most 10.00 (DOCKHAND_MAX_TASK_BUDGET_USD)"
            },
            ",\"maxTurns\":61",
            new String[] {"maxTurns", "maxTurns must be at most 60 (DOCKHAND_MAX_TASK_TURNS)"});
    cases.forEach(
        (extra, expected) -> {
          HttpResponse<String> response = submit(alice, extra);
          assertThat(response.statusCode()).as(extra).isEqualTo(400);
          assertThat(error(response).get("code").asText()).isEqualTo("invalid");
          assertThat(error(response).get("field").asText()).isEqualTo(expected[0]);
          assertThat(error(response).get("message").asText()).isEqualTo(expected[1]);
        });
    assertThat(WebHarness.json(harness.get("/api/v1/tasks", alice.token())).get("items")).isEmpty();
  }

  @Test
  void aRequestAtTheCeilingsIsAcceptedAndOneWithoutThemGetsTheDefaults() throws Exception {
    start(
        "DOCKHAND_MODELS", "claude-sonnet-4-5,claude-haiku-4*",
        "DOCKHAND_MAX_TASK_BUDGET_USD", "10",
        "DOCKHAND_MAX_TASK_TURNS", "60");
    WebHarness.Person alice = harness.person("alice");

    HttpResponse<String> atCeilings =
        submit(alice, ",\"model\":\"claude-haiku-4-5\",\"budgetUsd\":10,\"maxTurns\":60");
    assertThat(atCeilings.statusCode()).isEqualTo(201);
    JsonNode task = WebHarness.json(atCeilings);
    assertThat(task.get("model").asText()).isEqualTo("claude-haiku-4-5");
    assertThat(task.get("budgetUsd").asDouble()).isEqualTo(10.0);
    assertThat(task.get("maxTurns").asInt()).isEqualTo(60);

    JsonNode defaults = WebHarness.json(submit(alice, ""));
    assertThat(defaults.get("model").asText()).isEqualTo("claude-sonnet-4-5");
    assertThat(defaults.get("budgetUsd").asDouble()).isEqualTo(5.0);
    assertThat(defaults.get("maxTurns").asInt()).isEqualTo(50);
  }

  @Test
  void aPersonAtTheirDailyLimitGets429UntilUtcMidnightOnSubmitsAndFollowUps() throws Exception {
    start();
    WebHarness.Person alice = harness.person("alice");
    WebHarness.Person bob = harness.person("bob");
    String taskId = WebHarness.json(submit(alice, "")).get("id").asText();
    harness.queue().spend().add(alice.id(), 50.25);

    HttpResponse<String> refused = submit(alice, "");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).contains("7200");
    assertThat(error(refused).get("code").asText()).isEqualTo("user_budget_exceeded");
    assertThat(error(refused).get("message").asText())
        .isEqualTo(
            "you have reached your daily spend limit of $50.00 (DOCKHAND_USER_DAILY_BUDGET_USD):"
                + " $50.25 spent today (UTC); it resets at 2030-02-01T00:00:00Z");
    HttpResponse<String> followUp = message(alice, taskId, "and also this");
    assertThat(followUp.statusCode()).isEqualTo(429);
    assertThat(error(followUp).get("code").asText()).isEqualTo("user_budget_exceeded");
    assertThat(submit(bob, "").statusCode()).isEqualTo(201);

    clock.advance(Duration.ofHours(2));
    assertThat(submit(alice, "").statusCode()).isEqualTo(201);
    assertThat(message(alice, taskId, "and also this").statusCode()).isEqualTo(202);
  }

  @Test
  void aPersonAtTheirMonthlyLimitIsToldItResetsOnTheFirstOfNextMonth() throws Exception {
    clock.advance(Duration.ofDays(-20)); // 2030-01-11T22:00Z
    start("DOCKHAND_USER_MONTHLY_BUDGET_USD", "100");
    WebHarness.Person alice = harness.person("alice");
    for (int day = 0; day < 3; day++) {
      harness.queue().spend().add(alice.id(), 40);
      clock.advance(Duration.ofDays(1));
    }

    HttpResponse<String> refused = submit(alice, "");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("message").asText())
        .isEqualTo(
            "you have reached your monthly spend limit of $100.00"
                + " (DOCKHAND_USER_MONTHLY_BUDGET_USD): $120.00 spent this month (UTC); it resets"
                + " at 2030-02-01T00:00:00Z");
    long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
    assertThat(Duration.ofSeconds(retryAfter)).isEqualTo(Duration.ofDays(17).plusHours(2));
  }

  @Test
  void anAdminsLimitForOnePersonIsTheOneTheyAreToldAbout() throws Exception {
    start();
    WebHarness.Person alice = harness.person("alice");
    harness
        .database()
        .write(
            handle ->
                handle.execute("UPDATE users SET daily_budget_usd = 2 WHERE id = ?", alice.id()));
    harness.queue().spend().add(alice.id(), 2);

    HttpResponse<String> refused = submit(alice, "");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("message").asText())
        .startsWith(
            "you have reached your daily spend limit of $2.00 (set for this user by an admin)");
  }

  @Test
  void followUpsDrawOnTheSameRateLimitAsSubmits() throws Exception {
    start("DOCKHAND_SUBMIT_RATE", "1", "DOCKHAND_SUBMIT_BURST", "2");
    WebHarness.Person alice = harness.person("alice");
    String taskId = WebHarness.json(submit(alice, "")).get("id").asText();
    assertThat(message(alice, taskId, "one").statusCode()).isEqualTo(202);

    HttpResponse<String> limited = message(alice, taskId, "two");
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(limited.headers().firstValue("Retry-After")).contains("60");
    assertThat(error(limited).get("message").asText())
        .isEqualTo("too many submissions and follow-up messages; try again in 60 seconds");
    assertThat(submit(alice, "").statusCode()).isEqualTo(429);
    assertThat(harness.log().all(taskId))
        .filteredOn(event -> event.kind().wire().equals("message.user"))
        .hasSize(1);
  }

  @Test
  void aFollowUpThatWouldRequeueAFinishedTaskCountsAgainstTheActiveTaskCap() throws Exception {
    start("DOCKHAND_MAX_ACTIVE_TASKS_PER_USER", "1");
    WebHarness.Person alice = harness.person("alice");
    String finished = WebHarness.json(submit(alice, "")).get("id").asText();
    harness.post("/api/v1/tasks/" + finished + "/cancel", alice.token(), "");
    String active = WebHarness.json(submit(alice, "")).get("id").asText();

    HttpResponse<String> refused = message(alice, finished, "go on");
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(error(refused).get("message").asText())
        .isEqualTo("you have 1 tasks queued or running; wait for one to finish");
    assertThat(harness.queue().get(finished).orElseThrow().status().wire()).isEqualTo("cancelled");
    // A follow-up to the task that is already active queues nothing new.
    assertThat(message(alice, active, "and this").statusCode()).isEqualTo(202);

    harness.post("/api/v1/tasks/" + active + "/cancel", alice.token(), "");
    assertThat(message(alice, finished, "go on").statusCode()).isEqualTo(202);
    assertThat(harness.queue().get(finished).orElseThrow().status().wire()).isEqualTo("queued");
  }

  @Test
  void aTaskPastItsFollowUpCapAnswers409SayingSo() throws Exception {
    start("DOCKHAND_MAX_MESSAGES_PER_TASK", "2");
    WebHarness.Person alice = harness.person("alice");
    String taskId = WebHarness.json(submit(alice, "")).get("id").asText();
    assertThat(message(alice, taskId, "one").statusCode()).isEqualTo(202);
    assertThat(message(alice, taskId, "two").statusCode()).isEqualTo(202);

    HttpResponse<String> capped = message(alice, taskId, "three");
    assertThat(capped.statusCode()).isEqualTo(409);
    assertThat(error(capped).get("code").asText()).isEqualTo("conflict");
    assertThat(error(capped).get("message").asText())
        .isEqualTo(
            "this task has taken 2 follow-up messages, the most one task may"
                + " (DOCKHAND_MAX_MESSAGES_PER_TASK); start a new task to go on");
  }
}
