package dev.dockhand.agent;

import static dev.dockhand.testkit.ScriptedTurn.bash;
import static dev.dockhand.testkit.ScriptedTurn.brokenStream;
import static dev.dockhand.testkit.ScriptedTurn.cutOff;
import static dev.dockhand.testkit.ScriptedTurn.droppedStream;
import static dev.dockhand.testkit.ScriptedTurn.hang;
import static dev.dockhand.testkit.ScriptedTurn.status;
import static dev.dockhand.testkit.ScriptedTurn.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.Json;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.queue.Task;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.RecordingTaskContext;
import dev.dockhand.testkit.ScriptedTurn.Reply;
import dev.dockhand.testkit.ScriptedTurn.Text;
import dev.dockhand.testkit.TestSandbox;
import dev.dockhand.testkit.TestTasks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop's conversation with the model, against the stand-in API through the real SDK, in a real
 * container (the loop reads the repository's guidance through it even when the model calls no tool;
 * AgentToolsTest covers the tools).
 */
@Tag("docker")
class AgentLoopTest {
  static final String KEY = "sk-ant-test-4f1c9e7a2b";

  @TempDir Path workspace;
  AnthropicStandIn api;
  SandboxContainer container;

  @BeforeEach
  void start() {
    api = AnthropicStandIn.start(KEY);
    container = TestSandbox.start("agent-loop-" + UUID.randomUUID(), workspace);
  }

  @AfterEach
  void stop() {
    container.close();
    api.close();
  }

  AgentOutcome run(Task task, RecordingTaskContext context, String... settings) {
    try (AgentLoop loop =
        new AgentLoop(StandInSettings.of(api, KEY, settings), Clock.systemUTC())) {
      return loop.run(task, container, context, List.of());
    }
  }

  @Test
  void aTaskAnsweredInOneTurnEndsWithTheModelsSummaryAndItsCost() {
    api.script(text("Nothing needed changing; the README is already accurate."));
    Task task = TestTasks.running("Check the README");
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome = run(task, context);

    assertThat(outcome.summary())
        .isEqualTo("Nothing needed changing; the README is already accurate.");
    assertThat(outcome.turns()).isEqualTo(1);
    assertThat(outcome.stopReason()).isEqualTo("end_turn");
    assertThat(outcome.usage().inputTokens()).isPositive();
    assertThat(outcome.usage().costUsd()).isPositive();
    assertThat(context.usage()).isEqualTo(outcome.usage());
    assertThat(context.timings()).containsKey("firstToken");
    assertThat(context.deltas())
        .isEqualTo("Nothing needed changing; the README is already accurate.");
    assertThat(context.allEvents())
        .extracting(event -> event.kind())
        .containsExactly(EventKind.MESSAGE_USER, EventKind.MESSAGE_ASSISTANT);
    assertThat(context.events(EventKind.MESSAGE_USER).get(0).data().path("content").asText())
        .isEqualTo("Check the README");
    JsonNode blocks = context.events(EventKind.MESSAGE_ASSISTANT).get(0).data().path("content");
    assertThat(blocks.get(0).path("type").asText()).isEqualTo("text");
    assertThat(blocks.get(0).path("text").asText()).startsWith("Nothing needed");
  }

  @Test
  void theSystemPromptNamesTheRepositoryBranchAndRules() {
    api.script(text("Done."));
    run(TestTasks.running("Fix it"), new RecordingTaskContext(TestTasks.running("Fix it")));

    String system = api.answered().get(0).body().path("system").toString();
    assertThat(system)
        .contains("github.com/acme/widgets", "branch main", "/workspace", "Do not commit");
  }

  @Test
  void everyRequestMarksToolsSystemAndTheConversationEndForCaching() {
    api.script(text("First answer."), text("Second answer."));
    Task task = TestTasks.running("Start");
    RecordingTaskContext context = new RecordingTaskContext(task);
    context.onEvent(
        event -> {
          if (event.kind() == EventKind.MESSAGE_ASSISTANT && event.seq() == 2) {
            context.post("And one more thing");
          }
        });

    run(task, context);

    assertThat(api.answered()).hasSize(2);
    for (AnthropicStandIn.Recorded request : api.answered()) {
      JsonNode body = request.body();
      JsonNode tools = body.path("tools");
      assertThat(tools.get(tools.size() - 1).path("cache_control").path("type").asText())
          .isEqualTo("ephemeral");
      JsonNode system = body.path("system");
      assertThat(system.get(system.size() - 1).has("cache_control")).isTrue();
      JsonNode lastBlocks = request.lastMessage().path("content");
      assertThat(lastBlocks.get(lastBlocks.size() - 1).has("cache_control")).isTrue();
      assertThat(request.cacheControlCount()).isBetween(3, 4);
    }
    JsonNode second = api.answered().get(1).body().path("messages");
    assertThat(second).hasSize(3);
    assertThat(second.get(0).path("content").get(0).has("cache_control"))
        .as("the previous turn's end stays marked so this turn reads it from the cache")
        .isTrue();
  }

  @Test
  void aFollowUpPostedWhileTheTaskRunsIsAnsweredBeforeItEnds() {
    api.script(text("I updated the docs."), text("I also fixed the typo."));
    Task task = TestTasks.running("Update the docs");
    RecordingTaskContext context = new RecordingTaskContext(task);
    context.onEvent(
        event -> {
          if (event.kind() == EventKind.MESSAGE_ASSISTANT
              && context.events(EventKind.MESSAGE_USER).size() == 1) {
            context.post("Please also fix the typo in the title");
          }
        });

    AgentOutcome outcome = run(task, context);

    assertThat(outcome.summary()).isEqualTo("I also fixed the typo.");
    assertThat(outcome.turns()).isEqualTo(2);
    assertThat(context.events(EventKind.MESSAGE_USER))
        .extracting(event -> event.data().path("content").asText())
        .containsExactly("Update the docs", "Please also fix the typo in the title");
    assertThat(api.answered().get(1).lastMessage().toString()).contains("Please also fix the typo");
  }

  @Test
  void anOverloaded529BeforeTheFirstTurnIsRetriedAndTheTaskCompletes() {
    api.script(status(529), text("Done despite the overload."));
    Task task = TestTasks.running("Do it");

    AgentOutcome outcome = run(task, new RecordingTaskContext(task));

    assertThat(outcome.summary()).isEqualTo("Done despite the overload.");
    assertThat(api.answered()).hasSize(2);
  }

  @Test
  void aStreamThatBreaksWithAnErrorEventIsRepeatedAndTheTaskCompletes() {
    api.script(brokenStream(), text("Done on the second try."));
    Task task = TestTasks.running("Do it");
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome = run(task, context);

    assertThat(outcome.summary()).isEqualTo("Done on the second try.");
    assertThat(outcome.turns()).isEqualTo(1);
    assertThat(api.answered()).hasSize(2);
    assertThat(context.events(EventKind.MESSAGE_ASSISTANT)).hasSize(1);
  }

  @Test
  void aStreamThatEndsBeforeTheMessageIsCompleteIsRepeated() {
    api.script(droppedStream(), text("Done after the dropped line."));
    Task task = TestTasks.running("Do it");

    AgentOutcome outcome = run(task, new RecordingTaskContext(task));

    assertThat(outcome.summary()).isEqualTo("Done after the dropped line.");
    assertThat(api.answered()).hasSize(2);
  }

  @Test
  void anApiThatStaysOverloadedFailsTheTaskAsRetryable() {
    api.script(status(529), status(529), status(529));
    Task task = TestTasks.running("Do it");

    assertThatThrownBy(() -> run(task, new RecordingTaskContext(task)))
        .isInstanceOfSatisfying(
            DockhandException.class,
            failure -> {
              assertThat(failure.code()).isEqualTo("model_unavailable");
              assertThat(failure.retryable()).isTrue();
              assertThat(failure.getMessage()).contains("529");
            });
    assertThat(api.answered()).hasSize(3);
  }

  @Test
  void aRejectedApiKeyFailsTheTaskWithAClearReasonAndWithoutTheKey() {
    api.script(text("never sent"));
    Task task = TestTasks.running("Do it");
    RecordingTaskContext context = new RecordingTaskContext(task);
    String wrongKey = "sk-ant-wrong-93b1d2c4e5";

    assertThatThrownBy(
            () -> {
              try (AgentLoop loop =
                  new AgentLoop(StandInSettings.of(api, wrongKey), Clock.systemUTC())) {
                loop.run(task, container, context, List.of());
              }
            })
        .isInstanceOfSatisfying(
            DockhandException.class,
            failure -> {
              assertThat(failure.getMessage())
                  .isEqualTo("the Anthropic API rejected the API key (401)");
              assertThat(failure.retryable()).isFalse();
              assertThat(failure.getMessage()).doesNotContain(wrongKey);
            });
    assertThat(api.requests()).hasSize(1);
    assertThat(api.turnsLeft()).isEqualTo(1);
  }

  @Test
  void theApiKeyTravelsOnlyInTheAuthorizationHeader() {
    api.script(text("Done."));
    Task task = TestTasks.running("Do it");
    RecordingTaskContext context = new RecordingTaskContext(task);

    run(task, context);

    AnthropicStandIn.Recorded request = api.answered().get(0);
    // SDK 3.x sends an API key as a bearer credential.
    assertThat(request.header("authorization")).contains("Bearer " + KEY);
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!name.equalsIgnoreCase("authorization")) {
                assertThat(values.toString()).as(name).doesNotContain(KEY);
              }
            });
    assertThat(request.body().toString()).doesNotContain(KEY);
    assertThat(context.allEvents().toString()).doesNotContain(KEY);
  }

  @Test
  void cancellingStopsTheModelMidStreamAtOnce() throws Exception {
    api.script(hang());
    Task task = TestTasks.running("Think for a long time");
    RecordingTaskContext context = new RecordingTaskContext(task);
    context.onDelta(text -> context.cancel());

    CompletableFuture<AgentOutcome> run = CompletableFuture.supplyAsync(() -> run(task, context));

    assertThatThrownBy(() -> run.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DockhandException.class)
        .cause()
        .hasMessage("the task was cancelled");
  }

  @Test
  void aResponseCutOffAtMaxTokensIsContinuedWithoutItsUnfinishedToolCall() {
    api.script(
        cutOff("Here is the first half", bash("echo half")), text("and here is the second half."));
    Task task = TestTasks.running("Write a long answer");
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome = run(task, context);

    assertThat(outcome.turns()).isEqualTo(2);
    JsonNode messages = api.answered().get(1).body().path("messages");
    assertThat(messages.get(1).toString())
        .contains("Here is the first half")
        .doesNotContain("tool_use");
    assertThat(messages.get(2).toString()).contains("max_tokens");
    assertThat(context.events(EventKind.TOOL_CALL)).isEmpty();
  }

  @Test
  void maxTurnsStopsAModelThatKeepsGoing() {
    for (int i = 0; i < 10; i++) {
      api.script(new Reply(List.of(new Text("and on and on")), "max_tokens"));
    }
    Task task = TestTasks.running("Never stop", 3, 5.0);

    assertThatThrownBy(() -> run(task, new RecordingTaskContext(task)))
        .isInstanceOfSatisfying(
            AgentLimitException.class,
            limit -> {
              assertThat(limit.code()).isEqualTo("max_turns");
              assertThat(limit.retryable()).isFalse();
              assertThat(limit.getMessage()).contains("3 model turns");
            });
    assertThat(api.answered()).hasSize(3);
  }

  @Test
  void theBudgetStopsAModelThatKeepsSpending() {
    for (int i = 0; i < 10; i++) {
      api.script(new Reply(List.of(new Text("and on and on")), "max_tokens"));
    }
    // $0.30 input + $0.015 output per turn on Sonnet: four turns pass $1.00.
    api.usageModel(
        (request, replyBytes, at) -> new AnthropicStandIn.TokenCounts(100_000, 1_000, 0, 0));
    Task task = TestTasks.running("Spend", 50, 1.00);
    RecordingTaskContext context = new RecordingTaskContext(task);

    assertThatThrownBy(() -> run(task, context))
        .isInstanceOfSatisfying(
            AgentLimitException.class,
            limit -> {
              assertThat(limit.code()).isEqualTo("budget_exceeded");
              assertThat(limit.getMessage()).contains("$1.2600", "$1.00");
            });
    assertThat(api.answered()).hasSize(4);
    assertThat(context.usage().costUsd()).isCloseTo(1.26, within(1e-9));
  }

  @Test
  void theOwnersSpendLimitStopsATaskOnceTheirTasksTogetherReachIt() {
    for (int i = 0; i < 10; i++) {
      api.script(new Reply(List.of(new Text("and on and on")), "max_tokens"));
    }
    // $0.315 per turn on Sonnet; the task's own $5.00 budget is far off.
    api.usageModel(
        (request, replyBytes, at) -> new AnthropicStandIn.TokenCounts(100_000, 1_000, 0, 0));
    Task task = TestTasks.running("Spend", 50, 5.00);
    RecordingTaskContext context = new RecordingTaskContext(task);
    context.ownerDailyLimit(1.00, 0.20);
    // Another task of the owner's pays $0.60 for a turn while this one is on its first.
    context.onEvent(
        event -> {
          if (event.kind() == EventKind.MESSAGE_ASSISTANT) {
            context.ownerSpends(0.60);
          }
        });

    assertThatThrownBy(() -> run(task, context))
        .isInstanceOfSatisfying(
            AgentLimitException.class,
            limit -> {
              assertThat(limit.code()).isEqualTo("user_budget_exceeded");
              assertThat(limit.retryable()).isFalse();
              assertThat(limit.getMessage())
                  .startsWith(
                      "the task's owner reached their daily spend limit of $1.00"
                          + " (DOCKHAND_USER_DAILY_BUDGET_USD): $1.12 spent today (UTC);"
                          + " it resets at ");
            });
    assertThat(api.answered()).hasSize(1);
    assertThat(context.ownerSpent()).isCloseTo(1.115, within(1e-9));
  }

  @Test
  void aTaskResumesFromItsStoredConversationWithoutRepeatingThePrompt() {
    List<Event> prior =
        List.of(
            stored(1, EventKind.TASK_QUEUED, Map.of()),
            stored(2, EventKind.MESSAGE_USER, Map.of("content", "List the files")),
            stored(
                3,
                EventKind.MESSAGE_ASSISTANT,
                Map.of(
                    "content",
                    List.of(
                        Map.of(
                            "type",
                            "tool_use",
                            "id",
                            "toolu_old",
                            "name",
                            "bash",
                            "input",
                            Map.of("command", "ls"))))),
            stored(
                4,
                EventKind.TOOL_CALL,
                Map.of("id", "toolu_old", "name", "bash", "input", Map.of("command", "ls"))),
            stored(
                5,
                EventKind.TOOL_RESULT,
                Map.of(
                    "id", "toolu_old", "output", "README.md", "isError", false, "durationMs", 3)));
    api.script(text("There is one file, README.md."));
    Task task = TestTasks.running("List the files");
    RecordingTaskContext context = new RecordingTaskContext(task, prior);

    AgentOutcome outcome;
    try (AgentLoop loop = new AgentLoop(StandInSettings.of(api, KEY), Clock.systemUTC())) {
      outcome = loop.run(task, container, context, prior);
    }

    assertThat(outcome.summary()).isEqualTo("There is one file, README.md.");
    assertThat(context.events(EventKind.MESSAGE_USER)).isEmpty();
    assertThat(api.answered().get(0).toolResultIds()).containsExactly("toolu_old");
    assertThat(context.allEvents().get(0).seq()).isEqualTo(6);
  }

  static Event stored(long seq, EventKind kind, Object data) {
    return new Event("t", seq, kind, Json.MAPPER.valueToTree(data), Instant.now());
  }

  @Test
  void theDurationLimitStopsARunWhoseClockRanOut() {
    api.script(new Reply(List.of(new Text("still going")), "max_tokens"));
    Task task = TestTasks.running("Take forever");
    RecordingTaskContext context = new RecordingTaskContext(task);
    SteppedClock clock = new SteppedClock();
    context.onEvent(
        event -> {
          if (event.kind() == EventKind.MESSAGE_ASSISTANT) {
            clock.advance(Duration.ofMinutes(61));
          }
        });

    assertThatThrownBy(
            () -> {
              try (AgentLoop loop = new AgentLoop(StandInSettings.of(api, KEY), clock)) {
                loop.run(task, container, context, List.of());
              }
            })
        .isInstanceOfSatisfying(
            AgentLimitException.class, limit -> assertThat(limit.code()).isEqualTo("max_duration"));
  }
}
