package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaContentBlockParam;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.BetaMessageParam;
import com.anthropic.models.beta.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Dockhand's own compaction, for when the API answers that the prompt is too long (a model without
 * server-side compaction, context management turned off, one huge turn): a summarising model call
 * over the older messages, which then give way to one user message holding the task, the summary
 * and the files in play; the most recent messages stay as they were. Not thread-safe: the run's
 * thread owns it.
 */
final class ContextSummary {
  /** The result: the message that replaced the older ones, and what the summary call cost. */
  record Compacted(String message, int kept, BetaMessage call) {}

  static final String SYSTEM =
      "You write the hand-over notes of a coding agent's session that has grown too long for the"
          + " model's context window. The agent will continue from your notes alone, so keep what"
          + " it needs: the task and any later instructions, what has been done and what is left,"
          + " decisions and their reasons, the files read or changed (exact paths), commands that"
          + " build or test the project and their latest results, and errors still open. Write"
          + " plain prose and lists, no preamble.";

  private static final int RESULT_HEAD = 1_500;
  private static final int RESULT_TAIL = 500;
  private static final int INPUT_CAP = 2_000;
  private static final int SUMMARY_MAX_TOKENS = 8_192;
  private static final int ATTEMPTS = 3;

  private final ModelClient model;
  private final StreamHandle stream;

  ContextSummary(ModelClient model, StreamHandle stream) {
    this.model = model;
    this.stream = stream;
  }

  /**
   * Compacts {@code conversation} to fit a window of {@code window} tokens: keeps the newest
   * messages up to a quarter of it (at least the last assistant message and what answers it),
   * summarises the rest, and replaces them.
   *
   * @throws DockhandException {@code prompt_too_long} when nothing older than the last turn is left
   *     to summarise
   */
  Compacted compact(
      Conversation conversation, String modelName, String prompt, long window, String tooLong) {
    List<Conversation.Message> messages = conversation.messages();
    int keepFrom = keepFrom(messages, window / 4);
    if (keepFrom <= 0) {
      throw new DockhandException(
          ModelErrors.PROMPT_TOO_LONG,
          "the conversation does not fit the model's context window and has nothing older to"
              + " summarise: "
              + tooLong,
          false,
          null);
    }
    long budgetChars = window * 2; // about half the window, at four characters a token
    for (int attempt = 0; ; attempt++) {
      String transcript = transcript(messages.subList(0, keepFrom), budgetChars);
      try {
        BetaMessage call = model.turn(request(modelName, transcript), stream, () -> {}, text -> {});
        String message = handOver(prompt, text(call), filesInPlay(messages));
        conversation.replaceHead(keepFrom, message);
        return new Compacted(message, messages.size() - keepFrom, call);
      } catch (DockhandException failure) {
        if (!failure.code().equals(ModelErrors.PROMPT_TOO_LONG) || attempt + 1 >= ATTEMPTS) {
          throw failure;
        }
        budgetChars /= 2;
      }
    }
  }

  /** Index of the first kept message: an assistant one, the newest that fits {@code tokens}. */
  static int keepFrom(List<Conversation.Message> messages, long tokens) {
    long kept = 0;
    int from = -1;
    for (int i = messages.size() - 1; i >= 1; i--) {
      kept += chars(messages.get(i)) / 4;
      if (!messages.get(i).user()) {
        if (kept > tokens && from > 0) {
          break;
        }
        from = i;
      }
    }
    return from;
  }

  private static long chars(Conversation.Message message) {
    return ObjectMappers.jsonMapper().valueToTree(message.blocks()).toString().length();
  }

  private static MessageCreateParams request(String modelName, String transcript) {
    return MessageCreateParams.builder()
        .model(modelName)
        .maxTokens(SUMMARY_MAX_TOKENS)
        .system(SYSTEM)
        .addMessage(
            BetaMessageParam.ofUser(
                "<session>\n"
                    + transcript
                    + "\n</session>\n\nWrite the hand-over notes for this session now."))
        .build();
  }

  /** The older messages as text, tool output cut to its head and tail, within {@code budget}. */
  static String transcript(List<Conversation.Message> messages, long budget) {
    StringBuilder out = new StringBuilder();
    for (Conversation.Message message : messages) {
      out.append(message.user() ? "\n## user\n" : "\n## assistant\n");
      for (BetaContentBlockParam block : message.blocks()) {
        out.append(render(block)).append('\n');
      }
    }
    if (out.length() <= budget) {
      return out.toString();
    }
    int head = (int) (budget / 4);
    int tail = (int) (budget - head);
    return out.substring(0, head)
        + "\n[... the middle of the session is left out here ...]\n"
        + out.substring(out.length() - tail);
  }

  private static String render(BetaContentBlockParam block) {
    JsonNode json = ObjectMappers.jsonMapper().valueToTree(block);
    String type = json.path("type").asText();
    return switch (type) {
      case "text" -> json.path("text").asText();
      case "tool_use" ->
          "[tool call "
              + json.path("name").asText()
              + "] "
              + Toolbox.cut(json.path("input").toString(), INPUT_CAP);
      case "tool_result" ->
          "[tool result"
              + (json.path("is_error").asBoolean() ? ", an error" : "")
              + "] "
              + Toolbox.cut(resultText(json.path("content")), RESULT_HEAD + RESULT_TAIL);
      case "compaction" -> "[summary of the session before this point] " + json.path("content");
      default -> "[" + type + " block]";
    };
  }

  private static String resultText(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    content.forEach(part -> text.append(part.path("text").asText()));
    return text.toString();
  }

  /** The paths the editor tool viewed or changed, over the whole conversation. */
  static Set<String> filesInPlay(List<Conversation.Message> messages) {
    Set<String> paths = new TreeSet<>();
    for (Conversation.Message message : messages) {
      for (BetaContentBlockParam block : message.blocks()) {
        if (block.isToolUse() && block.asToolUse().name().equals(EditorTool.NAME)) {
          JsonNode input = ObjectMappers.jsonMapper().valueToTree(block.asToolUse().input());
          String path = input.path("path").asText("");
          if (!path.isEmpty() && path.length() < 1_000) {
            paths.add(path);
          }
        }
      }
    }
    return paths;
  }

  private static String text(BetaMessage call) {
    return call.content().stream()
        .filter(block -> block.isText())
        .map(block -> block.asText().text())
        .collect(Collectors.joining("\n"))
        .strip();
  }

  static String handOver(String prompt, String summary, Set<String> files) {
    StringBuilder message = new StringBuilder();
    message.append(
        "The earlier part of this session was compacted to fit the model's context window. The"
            + " task as it was first asked:\n\n");
    message.append(Toolbox.cut(prompt, 8_000)).append("\n\nNotes on the work so far:\n\n");
    message.append(summary.isEmpty() ? "(the summary came back empty)" : summary);
    if (!files.isEmpty()) {
      message.append("\n\nFiles read or changed so far: ").append(String.join(", ", files));
    }
    message.append("\n\nThe most recent messages follow as they were.");
    return message.toString();
  }
}
