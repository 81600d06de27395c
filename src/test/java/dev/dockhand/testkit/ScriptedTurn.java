package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One scripted answer of the {@link AnthropicStandIn} to one Messages API request: a streamed reply
 * (text and tool calls), an HTTP error status, a stream that breaks with an SSE {@code error}
 * event, or a stream that hangs until the client goes away. The static factories read as the
 * script: {@code reply("Let me look.", bash("ls"))}, {@code text("Done.")}, {@code status(529)}.
 */
public sealed interface ScriptedTurn {

  /** A complete streamed message. */
  record Reply(List<Block> content, String stopReason) implements ScriptedTurn {}

  /**
   * An HTTP error response with the API's error body (429 and 5xx carry a short retry-after-ms).
   */
  record Failure(int status, String errorType, String message) implements ScriptedTurn {}

  /** A stream that starts, sends {@code partialText}, then an SSE {@code error} event. */
  record BrokenStream(String partialText, String errorType, String message)
      implements ScriptedTurn {}

  /** A stream that sends {@code partialText}, then ends without message_stop (a dropped line). */
  record DroppedStream(String partialText) implements ScriptedTurn {}

  /** A stream that sends {@code partialText}, then only pings until the client disconnects. */
  record Hang(String partialText) implements ScriptedTurn {}

  /** A content block of a reply. */
  sealed interface Block {}

  record Text(String text) implements Block {}

  record ToolCall(String id, String name, JsonNode input) implements Block {}

  AtomicLong IDS = new AtomicLong();

  static Reply text(String text) {
    return new Reply(List.of(new Text(text)), "end_turn");
  }

  /** Optional text, then one or more tool calls (stop reason {@code tool_use}). */
  static Reply reply(String text, ToolCall... calls) {
    List<Block> content = new ArrayList<>();
    if (text != null && !text.isEmpty()) {
      content.add(new Text(text));
    }
    content.addAll(List.of(calls));
    return new Reply(content, "tool_use");
  }

  static Reply tools(ToolCall... calls) {
    return reply(null, calls);
  }

  /** A reply cut off at max_tokens, mid-way through a tool call whose input never completed. */
  static Reply cutOff(String partialText, ToolCall unfinished) {
    return new Reply(List.of(new Text(partialText), unfinished), "max_tokens");
  }

  static ToolCall call(String name, Object input) {
    return new ToolCall(
        "toolu_standin_" + IDS.incrementAndGet(), name, Json.MAPPER.valueToTree(input));
  }

  static ToolCall bash(String command) {
    return call("bash", Map.of("command", command));
  }

  static ToolCall restartBash() {
    return call("bash", Map.of("restart", true));
  }

  static ToolCall view(String path) {
    return call("str_replace_based_edit_tool", Map.of("command", "view", "path", path));
  }

  static ToolCall create(String path, String fileText) {
    return call(
        "str_replace_based_edit_tool",
        Map.of("command", "create", "path", path, "file_text", fileText));
  }

  static ToolCall replace(String path, String oldText, String newText) {
    return call(
        "str_replace_based_edit_tool",
        Map.of("command", "str_replace", "path", path, "old_str", oldText, "new_str", newText));
  }

  static ToolCall insert(String path, int afterLine, String text) {
    return call(
        "str_replace_based_edit_tool",
        Map.of("command", "insert", "path", path, "insert_line", afterLine, "insert_text", text));
  }

  /** The error body the API sends with {@code status}. */
  static Failure status(int status) {
    return switch (status) {
      case 400 -> new Failure(400, "invalid_request_error", "invalid request");
      case 401 -> new Failure(401, "authentication_error", "invalid x-api-key");
      case 403 ->
          new Failure(
              403,
              "permission_error",
              "Your API key does not have permission to use the specified resource.");
      case 404 -> new Failure(404, "not_found_error", "model not found");
      case 429 ->
          new Failure(
              429,
              "rate_limit_error",
              "Number of request tokens has exceeded your per-minute rate limit");
      case 500 -> new Failure(500, "api_error", "Internal server error");
      case 529 -> new Failure(529, "overloaded_error", "Overloaded");
      default -> new Failure(status, "api_error", "status " + status);
    };
  }

  static BrokenStream brokenStream() {
    return new BrokenStream("I will start by", "overloaded_error", "Overloaded");
  }

  static DroppedStream droppedStream() {
    return new DroppedStream("I will start by");
  }

  static Hang hang() {
    return new Hang("Thinking about it");
  }
}
