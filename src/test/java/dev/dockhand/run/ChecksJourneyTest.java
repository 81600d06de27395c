package dev.dockhand.run;

import static dev.dockhand.testkit.ScriptedTurn.create;
import static dev.dockhand.testkit.ScriptedTurn.replace;
import static dev.dockhand.testkit.ScriptedTurn.status;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static dev.dockhand.testkit.ScriptedTurn.tools;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.testkit.GitHubStandIn;
import dev.dockhand.testkit.LiveClient;
import dev.dockhand.testkit.ServerHarness;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A repository's checks seen from outside: detected from its files or saved in its settings, run in
 * the task's container after the agent's turn with their output live, their failure handed to the
 * agent for another round, their result on the task, in its events and in the pull request, which
 * opens as a draft while they fail. Real Docker sandbox, git server, Anthropic and GitHub
 * stand-ins.
 */
@Tag("docker")
class ChecksJourneyTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String REPO = "acme/widgets";

  /** A package whose test finds the widget's off-by-one (node's own test runner, offline). */
  private static final Map<String, String> BUGGY_PACKAGE =
      Map.of(
          "package.json",
          "{\"name\":\"widgets\",\"version\":\"1.0.0\",\"scripts\":{\"test\":\"node --test\"}}\n",
          "widget.js",
          "module.exports = (a, b) => a + b + 1;\n",
          "widget.test.js",
          """
          const test = require('node:test');
          const assert = require('node:assert');
          const add = require('./widget');
          test('is a function', () => assert.strictEqual(typeof add, 'function'));
          test('adds', () => assert.strictEqual(add(2, 2), 4));
          """);

  private ServerHarness harness;

  @BeforeEach
  void start() {
    harness = new ServerHarness();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void checksThatFailAreHandedToTheAgentWhoFixesThemAndThePullRequestSaysTheyPassed()
      throws Exception {
    harness.git.createRepo(REPO, BUGGY_PACKAGE);
    harness.model.script(
        tools(create("/workspace/NOTES.md", "Widgets add numbers.\n")),
        text("## Summary\n\nDocumented what the **widget** does.\n"),
        tools(replace("/workspace/widget.js", "a + b + 1", "a + b")),
        text("Fixed the off-by-one in widget.js."));
    harness.start(environment(Map.of()));

    try (LiveClient client = harness.live()) {
      String id = harness.submit(REPO, "Document the widget").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      assertThat(kinds(events))
          .containsSubsequence(
              "message.assistant",
              "checks.finished",
              "message.user",
              "message.assistant",
              "checks.finished",
              "git.pushed",
              "pr.opened",
              "task.succeeded");
      List<JsonNode> runs = data(events, "checks.finished");
      assertThat(runs).hasSize(2);
      assertThat(runs.get(0).path("command").asText()).isEqualTo("npm test");
      assertThat(runs.get(0).path("exitCode").asInt()).isNotZero();
      assertThat(runs.get(0).path("passed").asInt()).isEqualTo(1);
      assertThat(runs.get(0).path("failed").asInt()).isEqualTo(1);
      assertThat(runs.get(0).path("round").asInt()).isEqualTo(1);
      assertThat(runs.get(1).path("exitCode").asInt()).isZero();
      assertThat(runs.get(1).path("passed").asInt()).isEqualTo(2);
      assertThat(runs.get(1).path("failed").asInt()).isZero();
      assertThat(runs.get(1).path("round").asInt()).isEqualTo(2);

      JsonNode handedOver =
          data(events, "message.user").stream()
              .filter(message -> message.path("synthetic").asBoolean())
              .findFirst()
              .orElseThrow();
      assertThat(handedOver.path("content").asText())
          .contains("`npm test` exited with 1 (1 failed, 1 passed)", "# fail 1")
          .contains("/tmp/.dockhand-checks-1.log", "round 1 of 2");
      JsonNode fixRequest = harness.model.answered().get(2).body();
      assertThat(lastUserText(fixRequest))
          .as("the model was asked to fix them")
          .contains("The repository's checks failed after your turn");
      assertThat(checksOutput(client, id)).contains("$ npm test\n", "# pass 2");

      JsonNode task = harness.task(id);
      assertThat(task.path("checks").path("exitCode").asInt()).isZero();
      assertThat(task.path("checks").path("round").asInt()).isEqualTo(2);
      assertThat(task.path("checks").path("passed").asInt()).isEqualTo(2);
      assertThat(task.path("timings").path("checks").asLong()).isPositive();
      assertThat(task.path("usage").path("costUsd").asDouble()).isPositive();

      GitHubStandIn.PullRequest pull = harness.github.pullRequests().getFirst();
      assertThat(pull.title()).isEqualTo("Documented what the widget does.");
      assertThat(pull.draft()).isFalse();
      assertThat(pull.body())
          .contains("✅ **Passed**: `npm test` (2 passed) on run 2, after 1 round of fixes")
          .contains("**Fix 1.** Fixed the off-by-one in widget.js.")
          .contains("| `NOTES.md` | 1 | 0 |", "| `widget.js` | 1 | 1 |")
          .contains("4 turns")
          .contains("Opened by Dockhand for task " + id + ".");
      assertThat(harness.git.files(REPO, "dockhand/" + id.substring(0, 8)))
          .containsEntry("widget.js", "module.exports = (a, b) => a + b;\n");
    }
  }

  @Test
  void checksThatKeepFailingGetTheirRoundsThenTheWorkOpensAsADraftWithTheFailure()
      throws Exception {
    harness.git.createRepo(
        REPO,
        Map.of(
            "Makefile",
            "test:\n\t@echo 'checking the widget'\n\t@echo 'widget: expected 4, got 5' >&2; exit 2\n"));
    harness.model.script(
        tools(create("/workspace/widget.txt", "five\n")),
        text("Made the widget."),
        text("I could not find the cause."),
        text("Still failing; it needs a person."));
    harness.start(environment(Map.of()));

    try (LiveClient client = harness.live()) {
      String id = harness.submit(REPO, "Make the widget").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      assertThat(data(events, "checks.finished"))
          .extracting(run -> run.path("round").asInt() + ":" + run.path("exitCode").asInt())
          .containsExactly("1:2", "2:2", "3:2");
      assertThat(data(events, "message.user"))
          .filteredOn(message -> message.path("synthetic").asBoolean())
          .hasSize(2);
      assertThat(harness.model.answered()).hasSize(4);
      assertThat(harness.task(id).path("checks").path("round").asInt()).isEqualTo(3);

      GitHubStandIn.PullRequest pull = harness.github.pullRequests().getFirst();
      assertThat(pull.draft()).isTrue();
      assertThat(pull.title()).isEqualTo("Made the widget.");
      assertThat(pull.body())
          .contains("❌ **Failed**: `make test` exited with 2 on run 3, after 2 rounds of fixes")
          .contains("No further round: the agent had its 2 rounds to fix them")
          .contains("widget: expected 4, got 5")
          .contains("**Fix 2.** Still failing; it needs a person.");
    }
  }

  @Test
  void aFixRoundNeedsTurnsLeftSoATaskAtItsTurnLimitIsPublishedAsADraft() throws Exception {
    harness.git.createRepo(REPO, BUGGY_PACKAGE);
    harness.model.script(
        tools(create("/workspace/NOTES.md", "x\n")), text("Documented the widget."));
    harness.start(environment(Map.of()));

    try (LiveClient client = harness.live()) {
      String id = submitWithTurns(2);
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      assertThat(data(client.events(id), "checks.finished")).hasSize(1);
      assertThat(harness.model.answered()).hasSize(2);
      GitHubStandIn.PullRequest pull = harness.github.pullRequests().getFirst();
      assertThat(pull.draft()).isTrue();
      assertThat(pull.body()).contains("No further round: the task had no model turns left (of 2)");
    }
  }

  @Test
  void aFixRoundThatRunsOutOfTurnsStopsTheTaskAtItsOwnLimitWithTheWorkOnItsBranch()
      throws Exception {
    harness.git.createRepo(REPO, BUGGY_PACKAGE);
    harness.model.script(
        tools(create("/workspace/NOTES.md", "x\n")),
        text("Documented the widget."),
        tools(replace("/workspace/widget.js", "a + b + 1", "a + b")));
    harness.start(environment(Map.of()));

    try (LiveClient client = harness.live()) {
      String id = submitWithTurns(3);
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.failed", WAIT);

      JsonNode task = harness.task(id);
      assertThat(task.path("error").path("code").asText()).isEqualTo("max_turns");
      assertThat(task.path("error").path("message").asText())
          .startsWith("the task reached its limit of 3 model turns in a round fixing its failed")
          .contains("the work so far is on branch dockhand/" + id.substring(0, 8));
      assertThat(harness.model.answered()).hasSize(3);
      assertThat(harness.github.pullRequests()).isEmpty();
      assertThat(harness.git.files(REPO, "dockhand/" + id.substring(0, 8)))
          .containsEntry("widget.js", "module.exports = (a, b) => a + b;\n");
    }
  }

  @Test
  void savedChecksThatRunPastTheirTimeoutFailWithTheLimitTheyMetAndNoRoundsAreGiven()
      throws Exception {
    harness.git.createRepo(REPO, Map.of("README.md", "# Widgets\n", "package.json", "{}"));
    harness.model.script(tools(create("/workspace/a.txt", "a\n")), text("Added a."));
    harness.start(
        environment(Map.of("DOCKHAND_CHECKS_TIMEOUT", "10s", "DOCKHAND_CHECKS_ROUNDS", "0")));
    harness.call(
        "PUT", "/repos/acme/widgets/environment", Map.of("checks", "echo checking; sleep 600"));

    try (LiveClient client = harness.live()) {
      String id = harness.submit(REPO, "Add a").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      JsonNode run = data(client.events(id), "checks.finished").getFirst();
      assertThat(run.path("exitCode").asInt()).isEqualTo(-1);
      assertThat(run.path("durationMs").asLong()).isBetween(9_000L, 60_000L);
      assertThat(checksOutput(client, id)).contains("checking");
      assertThat(harness.model.answered()).as("no round to fix them").hasSize(2);
      GitHubStandIn.PullRequest pull = harness.github.pullRequests().getFirst();
      assertThat(pull.draft()).isTrue();
      assertThat(pull.body())
          .contains(
              "`echo checking; sleep 600` did not finish within 10 s (DOCKHAND_CHECKS_TIMEOUT)")
          .contains("DOCKHAND_CHECKS_ROUNDS is 0");
    }
  }

  @Test
  void anAttemptRetriedDuringAFixRoundGoesOnWithTheNextRound() throws Exception {
    harness.git.createRepo(REPO, BUGGY_PACKAGE);
    harness.model.script(
        tools(create("/workspace/NOTES.md", "x\n")),
        text("Documented the widget."),
        status(529), // the fix round's first turn: the API stays overloaded, the attempt is retried
        tools(
            create("/workspace/NOTES.md", "x\n"),
            replace("/workspace/widget.js", "a + b + 1", "a + b")),
        text("Documented the widget and fixed the off-by-one."));
    harness.start(environment(Map.of("DOCKHAND_MODEL_MAX_RETRIES", "0")));

    try (LiveClient client = harness.live()) {
      String id = harness.submit(REPO, "Document the widget").path("id").asText();
      client.subscribe(id, 0);
      client.awaitEvent(id, "task.succeeded", WAIT);

      List<JsonNode> events = client.events(id);
      assertThat(kinds(events)).containsSubsequence("checks.finished", "task.retrying");
      assertThat(data(events, "checks.finished"))
          .extracting(run -> run.path("round").asInt() + ":" + run.path("exitCode").asInt())
          .containsExactly("1:1", "2:0");
      JsonNode task = harness.task(id);
      assertThat(task.path("attempt").asInt()).isEqualTo(2);
      assertThat(task.path("checks").path("round").asInt()).isEqualTo(2);
      JsonNode retried = harness.model.answered().get(3).body();
      assertThat(lastUserText(retried))
          .as("the retried attempt's agent knows the checks failed")
          .contains("The repository's checks failed after your turn");
      assertThat(harness.github.pullRequests().getFirst().draft()).isFalse();
    }
  }

  /** A task "Document it" that may take {@code maxTurns} model turns. */
  private String submitWithTurns(int maxTurns) {
    ServerHarness.Response submitted =
        harness.call(
            "POST", "/tasks", Map.of("repo", REPO, "prompt", "Document it", "maxTurns", maxTurns));
    assertThat(submitted.status()).isEqualTo(201);
    return submitted.json().path("id").asText();
  }

  /** The harness's node, its egress closed (npm must reach nothing), with {@code extra}. */
  private Map<String, String> environment(Map<String, String> extra) {
    Map<String, String> environment = new HashMap<>(harness.environment("a"));
    environment.put("DOCKHAND_EGRESS_ALLOW", "none");
    environment.putAll(extra);
    return environment;
  }

  private static List<String> kinds(List<JsonNode> events) {
    return events.stream().map(event -> event.path("kind").asText()).toList();
  }

  private static List<JsonNode> data(List<JsonNode> events, String kind) {
    return events.stream()
        .filter(event -> event.path("kind").asText().equals(kind))
        .map(event -> event.path("data"))
        .toList();
  }

  /** The text blocks of the request's last message, which is the user's. */
  private static String lastUserText(JsonNode request) {
    JsonNode messages = request.path("messages");
    JsonNode last = messages.get(messages.size() - 1);
    StringBuilder text = new StringBuilder();
    for (JsonNode block : last.path("content")) {
      text.append(block.path("text").asText(""));
    }
    return text.toString();
  }

  /** The checks' live output as the WebSocket delivered it. */
  private static String checksOutput(LiveClient client, String id) {
    return client.seen().stream()
        .filter(frame -> frame.path("type").asText().equals("delta"))
        .filter(frame -> frame.path("taskId").asText().equals(id))
        .filter(frame -> frame.path("stream").asText().equals("checks"))
        .map(frame -> frame.path("text").asText())
        .collect(Collectors.joining());
  }
}
