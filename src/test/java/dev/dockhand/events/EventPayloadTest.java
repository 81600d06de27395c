package dev.dockhand.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.events.EventPayload.AssistantMessage;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.EventPayload.ContextCompacted;
import dev.dockhand.events.EventPayload.GitPushed;
import dev.dockhand.events.EventPayload.NetworkBlocked;
import dev.dockhand.events.EventPayload.PrOpened;
import dev.dockhand.events.EventPayload.SetupFinished;
import dev.dockhand.events.EventPayload.SetupStarted;
import dev.dockhand.events.EventPayload.TaskCancelled;
import dev.dockhand.events.EventPayload.TaskFailed;
import dev.dockhand.events.EventPayload.TaskQueued;
import dev.dockhand.events.EventPayload.TaskRetrying;
import dev.dockhand.events.EventPayload.TaskStarted;
import dev.dockhand.events.EventPayload.TaskSucceeded;
import dev.dockhand.events.EventPayload.ToolCall;
import dev.dockhand.events.EventPayload.ToolResult;
import dev.dockhand.events.EventPayload.Unreadable;
import dev.dockhand.events.EventPayload.UserMessage;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire JSON of every kind, as the code before the typed payloads wrote it (captured from it):
 * the same fields, names, number formats and omissions. Where that code built the data with {@code
 * Map.of}, its key order changed from one JVM to the next; the records fix DESIGN's order.
 */
class EventPayloadTest {
  private static final Usage USAGE = new Usage(10, 20, 3, 4, 0.0123);
  private static final String USAGE_JSON =
      "{\"inputTokens\":10,\"outputTokens\":20,\"cacheReadTokens\":3,\"cacheWriteTokens\":4,"
          + "\"costUsd\":0.0123}";

  static Stream<Arguments> everyKind() throws Exception {
    Map<String, Long> timings = new HashMap<>(Map.of("queued", 5L, "clone", 6L, "agent", 7L));
    timings.put("total", 99L); // a HashMap, as TaskMoves builds it: its order is the wire's
    JsonNode content = Json.MAPPER.readTree("[{\"type\":\"text\",\"text\":\"ok\"}]");
    JsonNode input = Json.MAPPER.readTree("{\"command\":\"ls\"}");
    return Stream.of(
        Arguments.of(new TaskQueued(1), "task.queued", "{\"attempt\":1}"),
        Arguments.of(new TaskStarted(2), "task.started", "{\"attempt\":2}"),
        Arguments.of(
            new TaskRetrying(2, "lost", Instant.ofEpochMilli(1700000000123L)),
            "task.retrying",
            "{\"attempt\":2,\"reason\":\"lost\",\"runAfter\":\"2023-11-14T22:13:20.123Z\"}"),
        Arguments.of(new UserMessage("hi"), "message.user", "{\"content\":\"hi\"}"),
        Arguments.of(
            new UserMessage("go on", true),
            "message.user",
            "{\"content\":\"go on\",\"synthetic\":true}"),
        Arguments.of(
            new AssistantMessage(content, "end_turn", USAGE),
            "message.assistant",
            "{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stopReason\":\"end_turn\","
                + "\"usage\":"
                + USAGE_JSON
                + "}"),
        Arguments.of(
            new ToolCall("t1", "bash", input),
            "tool.call",
            "{\"id\":\"t1\",\"name\":\"bash\",\"input\":{\"command\":\"ls\"}}"),
        Arguments.of(
            new ToolResult("t1", "out", false, 12),
            "tool.result",
            "{\"id\":\"t1\",\"output\":\"out\",\"isError\":false,\"durationMs\":12}"),
        Arguments.of(
            new ToolResult("t2", "boom", true, 0),
            "tool.result",
            "{\"id\":\"t2\",\"output\":\"boom\",\"isError\":true,\"durationMs\":0}"),
        Arguments.of(new GitPushed("b", "c"), "git.pushed", "{\"branch\":\"b\",\"commit\":\"c\"}"),
        Arguments.of(new PrOpened("u"), "pr.opened", "{\"url\":\"u\"}"),
        Arguments.of(
            new NetworkBlocked("h", 443, 2),
            "network.blocked",
            "{\"host\":\"h\",\"port\":443,\"count\":2}"),
        Arguments.of(
            new SetupStarted("devcontainer", ".devcontainer/devcontainer.json"),
            "setup.started",
            "{\"source\":\"devcontainer\",\"file\":\".devcontainer/devcontainer.json\"}"),
        Arguments.of(
            new SetupStarted("settings", null), "setup.started", "{\"source\":\"settings\"}"),
        Arguments.of(
            new SetupFinished(1, 2500, false),
            "setup.finished",
            "{\"exitCode\":1,\"durationMs\":2500,\"cached\":false}"),
        Arguments.of(
            new ContextCompacted(182431, 4210, ContextCompacted.COMPACT, 0, null),
            "context.compacted",
            "{\"tokensBefore\":182431,\"tokensAfter\":4210,\"strategy\":\"compact\",\"kept\":0}"),
        Arguments.of(
            new ContextCompacted(210000, 30000, ContextCompacted.SUMMARIZE, 4, "Earlier: x"),
            "context.compacted",
            "{\"tokensBefore\":210000,\"tokensAfter\":30000,\"strategy\":\"summarize\","
                + "\"kept\":4,\"summary\":\"Earlier: x\"}"),
        Arguments.of(
            new ChecksFinished("npm test", 1, 10, 2, 4200, 1),
            "checks.finished",
            "{\"command\":\"npm test\",\"exitCode\":1,\"passed\":10,\"failed\":2,"
                + "\"durationMs\":4200,\"round\":1}"),
        Arguments.of(
            new ChecksFinished("make test", -1, null, null, 600000, 3),
            "checks.finished",
            "{\"command\":\"make test\",\"exitCode\":-1,\"durationMs\":600000,\"round\":3}"),
        Arguments.of(
            new TaskFailed("it broke", "agent_error", USAGE, timings),
            "task.failed",
            "{\"reason\":\"it broke\",\"code\":\"agent_error\",\"usage\":"
                + USAGE_JSON
                + ",\"timings\":{\"clone\":6,\"agent\":7,\"total\":99,\"queued\":5}}"),
        Arguments.of(
            new TaskSucceeded(null, null, Usage.ZERO, Map.of("total", 1L)),
            "task.succeeded",
            "{\"usage\":{\"inputTokens\":0,\"outputTokens\":0,\"cacheReadTokens\":0,"
                + "\"cacheWriteTokens\":0,\"costUsd\":0.0},\"timings\":{\"total\":1}}"),
        Arguments.of(
            new TaskCancelled("cancelled by the user", "cancelled", Usage.ZERO, Map.of()),
            "task.cancelled",
            "{\"reason\":\"cancelled by the user\",\"code\":\"cancelled\",\"usage\":{"
                + "\"inputTokens\":0,\"outputTokens\":0,\"cacheReadTokens\":0,"
                + "\"cacheWriteTokens\":0,\"costUsd\":0.0},\"timings\":{}}"));
  }

  @ParameterizedTest
  @MethodSource("everyKind")
  void eachKindIsWrittenAsTodaysWireJsonAndReadsBackEqual(
      EventPayload payload, String kind, String wire) throws Exception {
    EventData data = EventData.of(payload);

    assertThat(data.kind().wire()).isEqualTo(kind);
    assertThat(data.text()).isEqualTo(wire);
    assertThat(data.bytes()).isEqualTo(wire.getBytes("UTF-8").length);
    assertThat(EventPayload.parse(kind, Json.MAPPER.readTree(wire))).isEqualTo(payload);
  }

  @Test
  void everyKindHasAGoldenCase() throws Exception {
    assertThat(everyKind().map(arguments -> arguments.get()[1]).distinct())
        .containsExactlyInAnyOrderElementsOf(
            Stream.of(EventKind.values()).map(EventKind::wire).toList());
  }

  @Test
  void todaysMapOrderedJsonReadsBackWhateverItsKeyOrder() throws Exception {
    Map<String, Object> shuffled = new LinkedHashMap<>();
    shuffled.put("output", "out");
    shuffled.put("durationMs", 12);
    shuffled.put("isError", false);
    shuffled.put("id", "t1");

    assertThat(EventPayload.parse("tool.result", Json.MAPPER.valueToTree(shuffled)))
        .isEqualTo(new ToolResult("t1", "out", false, 12));
  }

  @Test
  void anOldEventMissingFieldsOrCarryingUnknownOnesStillReads() throws Exception {
    assertThat(EventPayload.parse("message.user", Json.MAPPER.readTree("{\"extra\":1}")))
        .isEqualTo(new UserMessage(""));
    assertThat(EventPayload.parse("task.queued", Json.MAPPER.readTree("{}")))
        .isEqualTo(new TaskQueued(0));
    assertThat(EventPayload.parse("tool.call", Json.MAPPER.readTree("{\"id\":\"a\"}")))
        .isEqualTo(new ToolCall("a", "", null));
  }

  @Test
  void anUnknownKindOrDataThatDoesNotFitIsUnreadableNotAnError() throws Exception {
    JsonNode odd = Json.MAPPER.readTree("{\"what\":\"new\"}");
    JsonNode wrongType = Json.MAPPER.readTree("{\"attempt\":{\"nested\":true}}");

    assertThat(EventPayload.parse("a.later.kind", odd))
        .isEqualTo(new Unreadable("a.later.kind", odd));
    assertThat(EventPayload.parse("task.started", wrongType))
        .isEqualTo(new Unreadable("task.started", wrongType));
    assertThat(EventPayload.parse("pr.opened", Json.MAPPER.readTree("[1]")))
        .isInstanceOf(Unreadable.class);
  }

  @Test
  void anUnreadableEventIsNeverWritten() {
    assertThatThrownBy(() -> EventData.of(new Unreadable("x.y", Json.MAPPER.createObjectNode())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("x.y");
  }

  @Test
  void aStoredEventReadsIntoItsRecord() {
    Event event =
        EventData.of(new PrOpened("https://example.test/pr/1")).json() instanceof JsonNode json
            ? new Event("t", 4, EventKind.PR_OPENED, json, Instant.EPOCH)
            : null;

    assertThat(event.payload()).isEqualTo(new PrOpened("https://example.test/pr/1"));
    assertThat(List.of(event.payload())).hasSize(1);
  }
}
