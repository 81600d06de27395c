package dev.dockhand.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaMessageParam;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversationTest {
  final List<Event> events = new ArrayList<>();

  void store(EventKind kind, Object data) {
    events.add(
        new Event("t1", events.size() + 1, kind, Json.MAPPER.valueToTree(data), Instant.now()));
  }

  static Map<String, Object> toolUse(String id, String command) {
    return Map.of(
        "type", "tool_use", "id", id, "name", "bash", "input", Map.of("command", command));
  }

  static JsonNode json(List<BetaMessageParam> messages) {
    return ObjectMappers.jsonMapper().valueToTree(messages);
  }

  @Test
  void storedEventsRebuildTheConversationTheModelSaw() {
    store(EventKind.TASK_QUEUED, Map.of());
    store(EventKind.MESSAGE_USER, Map.of("content", "Fix the build"));
    store(
        EventKind.MESSAGE_ASSISTANT,
        Map.of(
            "content",
            List.of(Map.of("type", "text", "text", "Looking."), toolUse("toolu_1", "make"))));
    store(
        EventKind.TOOL_CALL,
        Map.of("id", "toolu_1", "name", "bash", "input", Map.of("command", "make")));
    store(
        EventKind.TOOL_RESULT,
        Map.of("id", "toolu_1", "output", "error: missing ;", "isError", false, "durationMs", 12));
    store(EventKind.MESSAGE_USER, Map.of("content", "It is in main.c"));

    JsonNode messages = json(Conversation.fromEvents(events).toParams(false));

    assertThat(messages).hasSize(3);
    assertThat(messages.get(1).path("content").get(1).path("id").asText()).isEqualTo("toolu_1");
    JsonNode answer = messages.get(2).path("content");
    assertThat(answer.get(0).path("type").asText()).isEqualTo("tool_result");
    assertThat(answer.get(0).path("tool_use_id").asText()).isEqualTo("toolu_1");
    assertThat(answer.get(1).path("text").asText()).isEqualTo("It is in main.c");
  }

  @Test
  void aToolCallWhoseResultWasNeverStoredIsAnsweredAsInterrupted() {
    store(EventKind.MESSAGE_USER, Map.of("content", "Run the tests"));
    store(
        EventKind.MESSAGE_ASSISTANT,
        Map.of(
            "content", List.of(toolUse("toolu_a", "make test"), toolUse("toolu_b", "make lint"))));
    store(
        EventKind.TOOL_RESULT,
        Map.of("id", "toolu_a", "output", "ok", "isError", false, "durationMs", 5));

    Conversation conversation = Conversation.fromEvents(events);
    JsonNode answer = json(conversation.toParams(false)).get(2).path("content");

    assertThat(conversation.awaitsModel()).isTrue();
    assertThat(answer).hasSize(2);
    assertThat(answer.get(1).path("tool_use_id").asText()).isEqualTo("toolu_b");
    assertThat(answer.get(1).path("is_error").asBoolean()).isTrue();
    assertThat(answer.get(1).path("content").asText()).contains("interrupted");
  }

  @Test
  void aFollowUpTakenBeforeTheToolResultsStillComesAfterThem() {
    Conversation conversation = new Conversation();
    conversation.addUserText("Start");
    conversation.addAssistant(
        Conversation.blocksOf(Json.MAPPER.valueToTree(List.of(toolUse("toolu_x", "ls")))));
    conversation.addUserText("Also check the docs");
    conversation.addToolResult("toolu_x", "README.md", false);

    JsonNode answer = json(conversation.toParams(false)).get(2).path("content");

    assertThat(answer.get(0).path("type").asText()).isEqualTo("tool_result");
    assertThat(answer.get(1).path("text").asText()).isEqualTo("Also check the docs");
  }

  @Test
  void cachingMarksOnlyTheLastTwoUserTurnsEnds() {
    Conversation conversation = new Conversation();
    conversation.addUserText("one");
    conversation.addAssistant(
        Conversation.blocksOf(Json.MAPPER.valueToTree(List.of(toolUse("toolu_1", "ls")))));
    conversation.addToolResult("toolu_1", "a", false);
    conversation.addAssistant(
        Conversation.blocksOf(Json.MAPPER.valueToTree(List.of(toolUse("toolu_2", "ls")))));
    conversation.addToolResult("toolu_2", "b", false);

    JsonNode messages = json(conversation.toParams(true));

    assertThat(messages.get(0).toString()).doesNotContain("cache_control");
    assertThat(messages.get(2).path("content").get(0).has("cache_control")).isTrue();
    assertThat(messages.get(4).path("content").get(0).has("cache_control")).isTrue();
    assertThat(json(conversation.toParams(false)).toString()).doesNotContain("cache_control");
  }

  @Test
  void aStoredClearingIsDoneAgainOnResumeLeavingTheLastThreeResults() {
    store(EventKind.MESSAGE_USER, Map.of("content", "Read everything"));
    for (int i = 1; i <= 5; i++) {
      store(EventKind.MESSAGE_ASSISTANT, Map.of("content", List.of(toolUse("toolu_" + i, "cat"))));
      store(
          EventKind.TOOL_RESULT,
          Map.of("id", "toolu_" + i, "output", "output " + i, "isError", false, "durationMs", 1));
    }
    store(
        EventKind.CONTEXT_COMPACTED,
        Map.of(
            "tokensBefore",
            90_000,
            "tokensAfter",
            30_000,
            "strategy",
            "clear_tool_uses",
            "kept",
            3));

    JsonNode messages = json(Conversation.fromEvents(events).toParams(false));

    List<String> outputs = new ArrayList<>();
    for (JsonNode message : messages) {
      for (JsonNode block : message.path("content")) {
        if (block.path("type").asText().equals("tool_result")) {
          outputs.add(block.path("content").asText());
        }
      }
    }
    assertThat(outputs)
        .containsExactly(
            Conversation.CLEARED, Conversation.CLEARED, "output 3", "output 4", "output 5");
  }

  @Test
  void aStoredSummaryReplacesTheOlderMessagesOnResume() {
    store(EventKind.MESSAGE_USER, Map.of("content", "Fix the build"));
    store(EventKind.MESSAGE_ASSISTANT, Map.of("content", List.of(toolUse("toolu_1", "make"))));
    store(
        EventKind.TOOL_RESULT,
        Map.of("id", "toolu_1", "output", "huge", "isError", false, "durationMs", 1));
    store(EventKind.MESSAGE_ASSISTANT, Map.of("content", List.of(toolUse("toolu_2", "make"))));
    store(
        EventKind.TOOL_RESULT,
        Map.of("id", "toolu_2", "output", "ok", "isError", false, "durationMs", 1));
    store(
        EventKind.CONTEXT_COMPACTED,
        Map.of(
            "tokensBefore",
            250_000,
            "tokensAfter",
            900,
            "strategy",
            "summarize",
            "kept",
            2,
            "summary",
            "Notes: make failed once, then passed."));

    JsonNode messages = json(Conversation.fromEvents(events).toParams(false));

    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").get(0).path("text").asText())
        .isEqualTo("Notes: make failed once, then passed.");
    assertThat(messages.get(1).path("content").get(0).path("id").asText()).isEqualTo("toolu_2");
    assertThat(messages.get(2).path("content").get(0).path("content").asText()).isEqualTo("ok");
  }

  @Test
  void aCompactionBlockDropsWhatCameBeforeItAndTheDroppedPromptCarriesNoBreakpoint() {
    Conversation conversation = new Conversation();
    conversation.addUserText("Do the long thing");
    conversation.addAssistant(
        Conversation.blocksOf(Json.MAPPER.valueToTree(List.of(toolUse("toolu_1", "ls")))));
    conversation.addToolResult("toolu_1", "a lot of output", false);
    conversation.addAssistant(
        Conversation.blocksOf(
            Json.MAPPER.valueToTree(
                List.of(
                    Map.of("type", "compaction", "content", "Summary.", "encrypted_content", "x"),
                    toolUse("toolu_2", "ls")))));
    conversation.addToolResult("toolu_2", "b", false);

    JsonNode messages = json(conversation.toParams(true));

    assertThat(messages).hasSize(3);
    assertThat(messages.get(0).path("content").get(0).path("text").asText())
        .isEqualTo("Do the long thing");
    assertThat(messages.get(0).toString()).doesNotContain("cache_control");
    assertThat(messages.get(1).path("content").get(0).path("encrypted_content").asText())
        .isEqualTo("x");
    assertThat(messages.get(2).path("content").get(0).has("cache_control")).isTrue();
  }
}
