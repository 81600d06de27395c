package dev.dockhand.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.Json;
import dev.dockhand.testkit.ScriptedTurn.Failure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Messages API's context window and context management as documented, for the stand-in: a
 * compaction block in the request drops every block before it; {@code clear_tool_uses_20250919}
 * clears the oldest tool results past its trigger, keeping the last {@code keep} tool uses and only
 * if it frees {@code clear_at_least}; {@code compact_20260112} summarises the whole prompt past its
 * trigger (at least 50,000 tokens); each edit needs its beta header; older models refuse them; and
 * a prompt over the window is answered "prompt is too long". Tokens are counted as {@link
 * PromptCacheSimulator#promptTokens} does.
 */
final class ContextEdits {
  static final String CLEARING_BETA = "context-management-2025-06-27";
  static final String COMPACT_BETA = "compact-2026-01-12";
  static final String CLEARED = "[cleared]";
  private static final long MIN_COMPACT_TRIGGER = 50_000;

  /**
   * What the edits made of a request: the prompt the model sees, the edits applied (for the reply's
   * {@code context_management}), and whether a compaction is due (then {@code summary} is its
   * text).
   */
  record Outcome(JsonNode effective, ArrayNode applied, Optional<String> summary, boolean pause) {}

  private ContextEdits() {}

  /** The error the API answers a request's context management with, or null if it takes it. */
  static Failure refusal(JsonNode body, Set<String> betas) {
    Failure tampered = tampered(body);
    if (tampered != null) {
      return tampered;
    }
    for (JsonNode edit : body.path("context_management").path("edits")) {
      String type = edit.path("type").asText();
      String beta =
          switch (type) {
            case "clear_tool_uses_20250919" -> CLEARING_BETA;
            case "compact_20260112" -> COMPACT_BETA;
            default -> null;
          };
      if (beta == null) {
        return invalid("context_management.edits: unknown edit type '" + type + "'");
      }
      if (!betas.contains(beta)) {
        return invalid(
            "context_management: the edit " + type + " requires the beta header " + beta);
      }
      if (body.path("model").asText().startsWith("claude-3")) {
        return invalid(
            "context_management: " + type + " is not supported on " + body.path("model").asText());
      }
      if (type.equals("compact_20260112")
          && edit.path("trigger").path("value").asLong(150_000) < MIN_COMPACT_TRIGGER) {
        return invalid(
            "context_management.edits.compact_20260112.trigger.value: must be at least "
                + MIN_COMPACT_TRIGGER);
      }
    }
    return null;
  }

  /**
   * The opaque {@code encrypted_content} of a compaction block holding {@code summary}; a block
   * sent back with other metadata, or a changed summary, is refused, as the API refuses a tampered
   * block.
   */
  static String seal(String summary) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(summary.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Failure tampered(JsonNode body) {
    JsonNode messages = body.path("messages");
    for (int m = 0; m < messages.size(); m++) {
      for (JsonNode block : MessagesApiRules.blocks(messages.get(m))) {
        if (block.path("type").asText().equals("compaction")
            && block.path("content").isTextual()
            && !block
                .path("encrypted_content")
                .asText()
                .equals(seal(block.path("content").asText()))) {
          return invalid("messages." + m + ": the compaction block must be passed back unchanged");
        }
      }
    }
    return null;
  }

  static Failure tooLong(long tokens, long window) {
    return invalid("prompt is too long: " + tokens + " tokens > " + window + " maximum");
  }

  private static Failure invalid(String message) {
    return new Failure(400, "invalid_request_error", message);
  }

  /** The request as the model sees it once the edits that its size triggers are applied. */
  static Outcome apply(JsonNode body) {
    ObjectNode effective = ((ObjectNode) body.deepCopy());
    effective.remove("context_management");
    effective.set("messages", afterLastCompaction(body.path("messages")));
    ArrayNode applied = Json.MAPPER.createArrayNode();
    Optional<String> summary = Optional.empty();
    boolean pause = false;
    for (JsonNode edit : body.path("context_management").path("edits")) {
      long trigger = edit.path("trigger").path("value").asLong();
      long tokens = PromptCacheSimulator.promptTokens(effective);
      if (edit.path("type").asText().equals("clear_tool_uses_20250919")) {
        trigger = trigger == 0 ? 100_000 : trigger;
        if (tokens > trigger) {
          clear(effective, edit, tokens).ifPresent(applied::add);
        }
      } else if (tokens > (trigger == 0 ? 150_000 : trigger)) {
        summary = Optional.of(summaryOf(effective, tokens));
        pause = edit.path("pause_after_compaction").asBoolean(false);
      }
    }
    return new Outcome(effective, applied, summary, pause);
  }

  /** The messages from the last compaction block on: the API drops what came before it. */
  private static ArrayNode afterLastCompaction(JsonNode messages) {
    int message = -1;
    int block = -1;
    for (int m = 0; m < messages.size(); m++) {
      List<JsonNode> blocks = MessagesApiRules.blocks(messages.get(m));
      for (int b = 0; b < blocks.size(); b++) {
        JsonNode candidate = blocks.get(b);
        if (candidate.path("type").asText().equals("compaction")
            && candidate.path("content").isTextual()) {
          message = m;
          block = b;
        }
      }
    }
    ArrayNode kept = Json.MAPPER.createArrayNode();
    for (int m = Math.max(0, message); m < messages.size(); m++) {
      ObjectNode copy = (ObjectNode) messages.get(m).deepCopy();
      if (m == message) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        List<JsonNode> blocks = MessagesApiRules.blocks(copy);
        blocks.subList(block, blocks.size()).forEach(content::add);
        copy.set("content", content);
      }
      kept.add(copy);
    }
    return kept;
  }

  /** Clears old tool results in place; the applied edit, if it freed enough to be applied. */
  private static Optional<ObjectNode> clear(ObjectNode request, JsonNode edit, long before) {
    int keep = edit.path("keep").path("value").asInt(3);
    long atLeast = edit.path("clear_at_least").path("value").asLong(0);
    List<String> excluded = new ArrayList<>();
    edit.path("exclude_tools").forEach(name -> excluded.add(name.asText()));
    Map<String, String> toolNames = new HashMap<>();
    for (JsonNode message : request.path("messages")) {
      for (JsonNode block : MessagesApiRules.blocks(message)) {
        if (block.path("type").asText().equals("tool_use")) {
          toolNames.put(block.path("id").asText(), block.path("name").asText());
        }
      }
    }
    ObjectNode candidate = request.deepCopy();
    int cleared = 0;
    // Clearing works on a copy first: it is applied only if it frees at least clear_at_least.
    List<ObjectNode> copies = new ArrayList<>();
    for (JsonNode message : candidate.path("messages")) {
      for (JsonNode block : MessagesApiRules.blocks(message)) {
        if (block.path("type").asText().equals("tool_result")
            && !excluded.contains(toolNames.get(block.path("tool_use_id").asText()))) {
          copies.add((ObjectNode) block);
        }
      }
    }
    for (ObjectNode result : copies.subList(0, Math.max(0, copies.size() - keep))) {
      if (!result.path("content").asText("").equals(CLEARED)) {
        result.put("content", CLEARED);
        cleared++;
      }
    }
    long freed = before - PromptCacheSimulator.promptTokens(candidate);
    if (cleared == 0 || freed < atLeast) {
      return Optional.empty();
    }
    request.set("messages", candidate.path("messages"));
    return Optional.of(
        Json.MAPPER
            .createObjectNode()
            .put("type", "clear_tool_uses_20250919")
            .put("cleared_tool_uses", cleared)
            .put("cleared_input_tokens", freed));
  }

  /** The stand-in's summary: what a reader of the summary can check (the task, the size). */
  private static String summaryOf(JsonNode request, long tokens) {
    String task = "";
    int toolUses = 0;
    for (JsonNode message : request.path("messages")) {
      for (JsonNode block : MessagesApiRules.blocks(message)) {
        String type = block.path("type").asText();
        if (task.isEmpty() && type.equals("text") && message.path("role").asText().equals("user")) {
          task = block.path("text").asText();
        } else if (task.isEmpty() && type.equals("compaction")) {
          task = block.path("content").asText();
        }
        toolUses += type.equals("tool_use") ? 1 : 0;
      }
    }
    return "Summary of the session so far ("
        + tokens
        + " tokens, "
        + toolUses
        + " tool calls). The task: "
        + (task.length() > 400 ? task.substring(0, 400) : task);
  }
}
