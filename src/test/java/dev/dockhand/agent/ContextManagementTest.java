package dev.dockhand.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.queue.Task;
import dev.dockhand.sandbox.SandboxContainer;
import dev.dockhand.testkit.AnthropicStandIn;
import dev.dockhand.testkit.AnthropicStandIn.Recorded;
import dev.dockhand.testkit.LongTaskScript;
import dev.dockhand.testkit.PromptCacheSimulator;
import dev.dockhand.testkit.RecordingTaskContext;
import dev.dockhand.testkit.ScriptedTurn;
import dev.dockhand.testkit.TestSandbox;
import dev.dockhand.testkit.TestTasks;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long tasks against a stand-in that enforces a context window and implements the API's context
 * management as documented, through the real SDK, with real tools in a real container: the loop
 * asks for clearing and compaction, mirrors what the API did, and when the API says the prompt is
 * too long, summarises on its own instead of failing.
 */
@Tag("docker")
class ContextManagementTest {
  static final String KEY = "sk-ant-test-context-5d2e";
  static final int RESULT_CHARS = 20_000;

  @TempDir Path workspace;
  AnthropicStandIn api;
  SandboxContainer container;

  @BeforeEach
  void start() {
    api = AnthropicStandIn.start(KEY).usageModel(new PromptCacheSimulator());
    container = TestSandbox.start("context-" + UUID.randomUUID(), workspace);
  }

  @AfterEach
  void stop() {
    container.close();
    api.close();
  }

  AgentOutcome run(Task task, RecordingTaskContext context, List<Event> prior, String... env) {
    try (AgentLoop loop = new AgentLoop(StandInSettings.of(api, KEY, env), Clock.systemUTC())) {
      return loop.run(task, container, context, prior);
    }
  }

  static List<String> strategies(RecordingTaskContext context) {
    return context.events(EventKind.CONTEXT_COMPACTED).stream()
        .map(event -> event.data().path("strategy").asText())
        .toList();
  }

  @Test
  void aThreeHundredTurnTaskWithLargeToolResultsFinishesInsideA200kWindow() {
    LongTaskScript script = new LongTaskScript(300, RESULT_CHARS);
    api.respondWith(script);
    Task task = TestTasks.running("Run the 300 numbered steps", 400, 1_000.0);
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome = run(task, context, List.of());

    assertThat(outcome.summary()).isEqualTo(LongTaskScript.DONE);
    assertThat(outcome.turns()).isEqualTo(301);
    assertThat(Collections.max(api.promptSizes())).isLessThanOrEqualTo(200_000);
    assertThat(strategies(context)).contains("clear_tool_uses");
    assertThat(context.events(EventKind.TOOL_RESULT)).hasSize(300);
    long read = outcome.usage().cacheReadTokens();
    long all = read + outcome.usage().cacheWriteTokens() + outcome.usage().inputTokens();
    assertThat((double) read / all).isGreaterThan(0.8);
    // Every request asks for both edits, with both betas named.
    Recorded last = api.answered().get(api.answered().size() - 1);
    assertThat(last.header("anthropic-beta").orElse(""))
        .contains("compact-2026-01-12", "context-management-2025-06-27");
    assertThat(last.body().path("context_management").path("edits").toString())
        .contains("clear_tool_uses_20250919", "compact_20260112");
  }

  @Test
  void clearedResultsAreClearedInTheConversationSoTheNextRequestsReadTheCache() {
    api.respondWith(new LongTaskScript(30, RESULT_CHARS));
    Task task = TestTasks.running("Run the steps", 50, 100.0);
    RecordingTaskContext context = new RecordingTaskContext(task);

    run(task, context, List.of(), "DOCKHAND_CONTEXT_CLEAR_TOOLS_AT", "40000");

    Event clearing = context.events(EventKind.CONTEXT_COMPACTED).get(0);
    assertThat(clearing.data().path("strategy").asText()).isEqualTo("clear_tool_uses");
    assertThat(clearing.data().path("tokensBefore").asLong())
        .isGreaterThan(clearing.data().path("tokensAfter").asLong());
    // The request after the clearing sends every result but the last three cleared, so it stays
    // under the trigger and the API clears nothing more; the one after reads it from the cache.
    int after = requestAfter(context, clearing);
    JsonNode results = toolResults(api.answered().get(after).body());
    assertThat(results.size()).isGreaterThan(4);
    for (int i = 0; i < results.size() - 4; i++) {
      assertThat(results.get(i).path("content").asText()).isEqualTo(Conversation.CLEARED);
    }
    assertThat(api.promptSizes().get(after)).isLessThan(40_000);
    JsonNode usage =
        context.events(EventKind.MESSAGE_ASSISTANT).get(after + 1).data().path("usage");
    assertThat(usage.path("cacheReadTokens").asLong())
        .isGreaterThan(usage.path("cacheWriteTokens").asLong());
  }

  @Test
  void aServerSideCompactionIsKeptAsTheApiSentItAndWhatCameBeforeIsNoLongerSent() {
    api.respondWith(new LongTaskScript(16, RESULT_CHARS));
    Task task = TestTasks.running("Run the steps", 50, 100.0);
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome =
        run(
            task,
            context,
            List.of(),
            "DOCKHAND_CONTEXT_CLEAR_TOOLS_AT",
            "0",
            "DOCKHAND_CONTEXT_COMPACT_AT",
            "50000");

    assertThat(outcome.summary()).isEqualTo(LongTaskScript.DONE);
    Event compacted = context.events(EventKind.CONTEXT_COMPACTED).get(0);
    assertThat(compacted.data().path("strategy").asText()).isEqualTo("compact");
    assertThat(compacted.data().path("tokensBefore").asLong()).isGreaterThan(50_000);
    assertThat(compacted.data().path("tokensAfter").asLong()).isLessThan(5_000);
    // The message holding the compaction block is stored as the API sent it...
    JsonNode stored =
        context.events(EventKind.MESSAGE_ASSISTANT).stream()
            .map(event -> event.data().path("content"))
            .filter(content -> content.get(0).path("type").asText().equals("compaction"))
            .findFirst()
            .orElseThrow();
    assertThat(stored.get(0).path("content").asText()).contains("Run the steps");
    // ...and sent back exactly so, after the first user message, with nothing in between.
    JsonNode next = api.answered().get(requestAfter(context, compacted)).body().path("messages");
    assertThat(next.get(0).path("role").asText()).isEqualTo("user");
    assertThat(next.get(1).path("content").get(0)).isEqualTo(stored.get(0));
    // A resumed task rebuilds the same conversation from the stored events.
    JsonNode resumed =
        json(Conversation.fromEvents(context.allEvents()).toParams(false)).get(1).path("content");
    assertThat(resumed.get(0)).isEqualTo(stored.get(0));
    assertThat(context.events(EventKind.TOOL_RESULT)).hasSize(16);
  }

  @Test
  void whenTheApiSaysThePromptIsTooLongTheLoopSummarisesOlderTurnsAndGoesOn() {
    LongTaskScript script = new LongTaskScript(20, RESULT_CHARS);
    api.respondWith(script).contextWindow(60_000);
    // An older model: the stand-in refuses context management for it, as the API would.
    Task task = TestTasks.running("Run the steps", 50, 100.0, "claude-3-7-sonnet-20250219");
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome = run(task, context, List.of());

    assertThat(outcome.summary()).isEqualTo(LongTaskScript.DONE);
    // The refused edits are dropped one at a time, compaction first, and not asked for again.
    List<String> edits =
        api.answered().stream()
            .map(r -> r.body().path("context_management").path("edits").toString())
            .toList();
    assertThat(edits.get(0)).contains("compact_20260112", "clear_tool_uses_20250919");
    assertThat(edits.get(1)).contains("clear_tool_uses_20250919").doesNotContain("compact");
    assertThat(edits.subList(2, edits.size())).allMatch(String::isEmpty);
    assertThat(script.summariesAsked()).isPositive();
    assertThat(strategies(context)).contains("summarize").doesNotContain("compact");
    Event summary =
        context.events(EventKind.CONTEXT_COMPACTED).stream()
            .filter(event -> event.data().path("strategy").asText().equals("summarize"))
            .findFirst()
            .orElseThrow();
    String handOver = summary.data().path("summary").asText();
    assertThat(handOver).contains("Run the steps", LongTaskScript.NOTES);
    assertThat(summary.data().path("tokensBefore").asLong()).isGreaterThan(60_000);
    assertThat(summary.data().path("tokensAfter").asLong()).isLessThan(60_000);
    // The summarising call carries no tools; the request after it opens with the hand-over.
    Recorded notes =
        api.answered().stream()
            .filter(r -> r.body().path("system").toString().contains("hand-over notes"))
            .findFirst()
            .orElseThrow();
    assertThat(notes.body().has("tools")).isFalse();
    assertThat(Collections.max(api.promptSizes())).isLessThanOrEqualTo(60_000);
    // Nothing is lost from the log: every tool call and result is still there.
    assertThat(context.events(EventKind.TOOL_RESULT)).hasSize(20);
    assertThat(
            json(Conversation.fromEvents(context.allEvents()).toParams(false))
                .get(0)
                .path("content")
                .get(0)
                .path("text")
                .asText())
        .isEqualTo(handOver);
  }

  @Test
  void aReplyCutOffByAFullContextWindowIsSummarisedAndContinued() {
    api.script(
        new ScriptedTurn.Reply(
            List.of(new ScriptedTurn.Text("I will read the logs")),
            "model_context_window_exceeded"),
        ScriptedTurn.text("Notes: the agent had begun reading the logs."),
        ScriptedTurn.text("Done."));
    Task task = TestTasks.running("Read the logs");
    RecordingTaskContext context = new RecordingTaskContext(task);

    AgentOutcome outcome = run(task, context, List.of());

    assertThat(outcome.summary()).isEqualTo("Done.");
    assertThat(strategies(context)).containsExactly("summarize");
    JsonNode last = api.answered().get(2).body().path("messages");
    assertThat(last.get(0).path("content").get(0).path("text").asText())
        .contains("Read the logs", "Notes: the agent had begun reading the logs.");
    assertThat(last.get(1).path("content").get(0).path("text").asText())
        .isEqualTo("I will read the logs");
    assertThat(last.get(2).path("content").get(0).path("text").asText())
        .isEqualTo(AgentRun.CONTINUE);
  }

  @Test
  void contextManagementOffSendsNeitherEditsNorBetas() {
    api.respondWith(new LongTaskScript(1, 100));
    Task task = TestTasks.running("One step");

    run(
        task,
        new RecordingTaskContext(task),
        List.of(),
        "DOCKHAND_CONTEXT_COMPACT_AT",
        "0",
        "DOCKHAND_CONTEXT_CLEAR_TOOLS_AT",
        "0");

    for (Recorded request : api.answered()) {
      assertThat(request.body().has("context_management")).isFalse();
      assertThat(request.header("anthropic-beta")).isEmpty();
    }
  }

  @Test
  void aCompactionTriggerBelowTheApisMinimumIsRefusedAtStartUpNamingTheKey() {
    assertThatThrownBy(
            () -> ContextSettings.from(new Env(Map.of("DOCKHAND_CONTEXT_COMPACT_AT", "1000"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DOCKHAND_CONTEXT_COMPACT_AT")
        .hasMessageContaining("50000");
  }

  /** Index in {@code api.answered()} of the first request sent after {@code event}. */
  static int requestAfter(RecordingTaskContext context, Event event) {
    List<Event> replies = context.events(EventKind.MESSAGE_ASSISTANT);
    int before = 0;
    for (Event reply : replies) {
      if (reply.seq() < event.seq()) {
        before++;
      }
    }
    return before;
  }

  static JsonNode toolResults(JsonNode body) {
    var results = dev.dockhand.Json.MAPPER.createArrayNode();
    for (JsonNode message : body.path("messages")) {
      for (JsonNode block : message.path("content")) {
        if (block.path("type").asText().equals("tool_result")) {
          results.add(block);
        }
      }
    }
    return results;
  }

  static JsonNode json(Object params) {
    return com.anthropic.core.ObjectMappers.jsonMapper().valueToTree(params);
  }
}
