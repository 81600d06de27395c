package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.testkit.AnthropicStandIn.TokenCounts;
import dev.dockhand.testkit.ScriptedTurn.Block;
import dev.dockhand.testkit.ScriptedTurn.Text;
import dev.dockhand.testkit.ScriptedTurn.ToolCall;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the Messages API's server-sent events exactly as documented: {@code event:} and {@code
 * data:} lines, a blank line after each, flushed one by one. Text is sent in several {@code
 * text_delta}s and tool input as JSON split over several {@code input_json_delta}s (the first one
 * empty, as the API does). Not thread-safe: one per response.
 */
final class SseWriter {
  private static final int TEXT_CHUNK = 12;

  private final OutputStream out;

  SseWriter(OutputStream out) {
    this.out = out;
  }

  void messageStart(String id, String model, TokenCounts counts) throws IOException {
    ObjectNode message = Json.MAPPER.createObjectNode();
    message.put("id", id).put("type", "message").put("role", "assistant");
    message.putArray("content");
    message.put("model", model).putNull("stop_reason").putNull("stop_sequence");
    message.set("usage", usage(counts, 1));
    send("message_start", Map.of("type", "message_start", "message", message));
  }

  void block(int index, Block block) throws IOException {
    switch (block) {
      case Text text -> {
        startText(index, text.text());
        stop(index);
      }
      case ToolCall call -> toolCall(index, call);
    }
  }

  /** Opens a text block and streams {@code text} into it, leaving it open. */
  void startText(int index, String text) throws IOException {
    send(
        "content_block_start",
        Map.of(
            "type",
            "content_block_start",
            "index",
            index,
            "content_block",
            Map.of("type", "text", "text", "")));
    for (int from = 0; from < text.length(); from += TEXT_CHUNK) {
      String piece = text.substring(from, Math.min(text.length(), from + TEXT_CHUNK));
      delta(index, Map.of("type", "text_delta", "text", piece));
    }
  }

  private void toolCall(int index, ToolCall call) throws IOException {
    send(
        "content_block_start",
        Map.of(
            "type",
            "content_block_start",
            "index",
            index,
            "content_block",
            Map.of("type", "tool_use", "id", call.id(), "name", call.name(), "input", Map.of())));
    String json = Json.MAPPER.writeValueAsString(call.input());
    delta(index, Map.of("type", "input_json_delta", "partial_json", ""));
    int piece = Math.max(1, (json.length() + 2) / 3);
    for (int from = 0; from < json.length(); from += piece) {
      delta(
          index,
          Map.of(
              "type",
              "input_json_delta",
              "partial_json",
              json.substring(from, Math.min(json.length(), from + piece))));
    }
    stop(index);
  }

  private void delta(int index, Map<String, Object> delta) throws IOException {
    send(
        "content_block_delta",
        Map.of("type", "content_block_delta", "index", index, "delta", delta));
  }

  private void stop(int index) throws IOException {
    send("content_block_stop", Map.of("type", "content_block_stop", "index", index));
  }

  void messageDelta(String stopReason, TokenCounts counts) throws IOException {
    messageDelta(stopReason, counts, null, null);
  }

  /**
   * The closing {@code message_delta}; {@code iterations} (the usage of each sampling iteration,
   * when a compaction ran) and {@code contextManagement} (the edits applied) only when given.
   */
  void messageDelta(
      String stopReason, TokenCounts counts, JsonNode iterations, JsonNode contextManagement)
      throws IOException {
    ObjectNode delta =
        Json.MAPPER.createObjectNode().put("stop_reason", stopReason).putNull("stop_sequence");
    ObjectNode usage = usage(counts, counts.output());
    if (iterations != null) {
      usage.set("iterations", iterations);
    }
    ObjectNode event = Json.MAPPER.createObjectNode().put("type", "message_delta");
    event.set("delta", delta);
    event.set("usage", usage);
    if (contextManagement != null) {
      event.set("context_management", contextManagement);
    }
    send("message_delta", event);
  }

  /**
   * A compaction block: opened empty, its summary and opaque metadata in one {@code
   * compaction_delta}, closed.
   */
  void compaction(int index, String summary, String encrypted) throws IOException {
    ObjectNode block =
        Json.MAPPER
            .createObjectNode()
            .put("type", "compaction")
            .putNull("content")
            .putNull("encrypted_content");
    send(
        "content_block_start",
        Map.of("type", "content_block_start", "index", index, "content_block", block));
    delta(
        index,
        Map.of("type", "compaction_delta", "content", summary, "encrypted_content", encrypted));
    stop(index);
  }

  /** The usage of one sampling iteration, as {@code usage.iterations} lists it. */
  static ObjectNode iteration(String type, TokenCounts counts) {
    return usage(counts, counts.output()).put("type", type);
  }

  void messageStop() throws IOException {
    send("message_stop", Map.of("type", "message_stop"));
  }

  void ping() throws IOException {
    send("ping", Map.of("type", "ping"));
  }

  void error(String type, String message) throws IOException {
    send("error", Map.of("type", "error", "error", Map.of("type", type, "message", message)));
  }

  private static ObjectNode usage(TokenCounts counts, long outputTokens) {
    return Json.MAPPER
        .createObjectNode()
        .put("input_tokens", counts.input())
        .put("cache_creation_input_tokens", counts.cacheWrite())
        .put("cache_read_input_tokens", counts.cacheRead())
        .put("output_tokens", outputTokens);
  }

  private void send(String event, Object data) throws IOException {
    String frame = "event: " + event + "\ndata: " + Json.MAPPER.writeValueAsString(data) + "\n\n";
    out.write(frame.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
