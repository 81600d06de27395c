package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The request checks the real Messages API makes that a client loop can get wrong, with the API's
 * own wording: required fields, at most four cache_control breakpoints, no empty text blocks, and
 * each assistant tool_use answered by a tool_result at the start of the next user message.
 */
final class MessagesApiRules {
  private MessagesApiRules() {}

  /** The reason the API would answer 400, if any. */
  static Optional<String> violation(JsonNode body) {
    if (!body.path("model").isTextual() || !body.path("max_tokens").canConvertToLong()) {
      return Optional.of("model: Field required / max_tokens: Field required");
    }
    JsonNode messages = body.path("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      return Optional.of("messages: at least one message is required");
    }
    int breakpoints = countCacheControl(body);
    if (breakpoints > 4) {
      return Optional.of(
          "A maximum of 4 blocks with cache_control may be provided. Found " + breakpoints + ".");
    }
    for (int i = 0; i < messages.size(); i++) {
      Optional<String> problem = checkMessage(messages, i);
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> checkMessage(JsonNode messages, int index) {
    JsonNode message = messages.get(index);
    for (JsonNode block : blocks(message)) {
      if (block.path("type").asText().equals("text") && block.path("text").asText().isEmpty()) {
        return Optional.of("messages." + index + ": text content blocks must be non-empty");
      }
    }
    Set<String> asked = idsOf(message, "tool_use", "id");
    Set<String> answered =
        leadingToolResultIds(index + 1 < messages.size() ? messages.get(index + 1) : null);
    if (message.path("role").asText().equals("assistant") && !asked.isEmpty()) {
      if (index + 1 == messages.size()) {
        return Optional.empty(); // a trailing assistant message is a prefill
      }
      Set<String> missing = new LinkedHashSet<>(asked);
      missing.removeAll(answered);
      if (!missing.isEmpty()) {
        return Optional.of(
            "messages."
                + (index + 1)
                + ": `tool_use` ids were found without `tool_result` blocks"
                + " immediately after: "
                + String.join(", ", missing)
                + ". Each `tool_use` block must have a corresponding `tool_result` block in the"
                + " next message.");
      }
    }
    if (message.path("role").asText().equals("user")) {
      Set<String> results = idsOf(message, "tool_result", "tool_use_id");
      Set<String> previous =
          index > 0 ? idsOf(messages.get(index - 1), "tool_use", "id") : Set.of();
      results.removeAll(previous);
      if (!results.isEmpty()) {
        return Optional.of(
            "messages."
                + index
                + ".content: unexpected `tool_use_id` found in `tool_result` blocks: "
                + String.join(", ", results)
                + ". Each `tool_result` block must have a corresponding `tool_use` block in the"
                + " previous message.");
      }
    }
    return Optional.empty();
  }

  static List<JsonNode> blocks(JsonNode message) {
    List<JsonNode> blocks = new ArrayList<>();
    JsonNode content = message.path("content");
    if (content.isArray()) {
      content.forEach(blocks::add);
    }
    return blocks;
  }

  private static Set<String> idsOf(JsonNode message, String type, String field) {
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode block : blocks(message)) {
      if (block.path("type").asText().equals(type)) {
        ids.add(block.path(field).asText());
      }
    }
    return ids;
  }

  /** Ids of the tool_result blocks that open {@code message} (before any other block). */
  private static Set<String> leadingToolResultIds(JsonNode message) {
    Set<String> ids = new LinkedHashSet<>();
    if (message == null || !message.path("role").asText().equals("user")) {
      return ids;
    }
    for (JsonNode block : blocks(message)) {
      if (!block.path("type").asText().equals("tool_result")) {
        break;
      }
      ids.add(block.path("tool_use_id").asText());
    }
    return ids;
  }

  static int countCacheControl(JsonNode node) {
    int count = node.has("cache_control") && !node.get("cache_control").isNull() ? 1 : 0;
    for (JsonNode child : node) {
      count += countCacheControl(child);
    }
    return count;
  }
}
