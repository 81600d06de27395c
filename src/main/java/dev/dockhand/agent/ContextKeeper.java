package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaContentBlock;
import com.anthropic.models.beta.messages.BetaMessage;
import com.anthropic.models.beta.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.events.EventPayload.ContextCompacted;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.TaskContext;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one run's conversation within the model's context window. It asks for the API's context
 * management on every request, mirrors what the API did (a compaction block drops the messages
 * before it; cleared tool results are cleared in the conversation too, so the next requests send
 * the same prefix and hit the cache), and when the API answers that the prompt is too long, has the
 * older turns summarised ({@link ContextSummary}). Each change is a {@code context.compacted}
 * event. Not thread-safe: the run's thread owns it.
 */
final class ContextKeeper {
  private static final Logger log = LoggerFactory.getLogger(ContextKeeper.class);

  /** The window assumed when a "prompt is too long" answer does not name one. */
  static final long DEFAULT_WINDOW = 200_000;

  /** Summaries in a row without a model turn in between before the run gives up. */
  private static final int MAX_SUMMARIES_IN_A_ROW = 3;

  private final Map<String, ContextSettings> taken;
  private final String model;
  private ContextSettings settings;
  private final ContextSummary summary;
  private final TaskContext context;
  private final String taskId;
  private int summariesInARow;
  private long lastPrompt;
  private long lastChars;
  private long requestChars;

  /**
   * @param taken what the API took for each model so far, shared by the node's runs: a refused edit
   *     is not asked for again
   */
  ContextKeeper(
      ContextSettings settings,
      Map<String, ContextSettings> taken,
      String model,
      ContextSummary summary,
      TaskContext context,
      String taskId) {
    this.taken = taken;
    this.model = model;
    this.settings = taken.getOrDefault(model, settings);
    this.summary = summary;
    this.context = context;
    this.taskId = taskId;
  }

  /**
   * Adds the API's context management to a request, while the API takes it; {@code chars} is the
   * size of the request's messages, for telling how large the prompt was when the API compacted.
   */
  void configure(MessageCreateParams.Builder request, long chars) {
    requestChars = chars;
    if (settings.on()) {
      request.betas(settings.betas());
      settings.config().ifPresent(request::contextManagement);
    }
  }

  /**
   * The API refused the request's context management (a model or account without the beta):
   * compaction is dropped first, then clearing, for this run and the model's later runs on this
   * node; Dockhand's own compaction guards the window. False when there was nothing to drop.
   */
  boolean dropServerSide(DockhandException refusal) {
    if (!settings.on()) {
      return false;
    }
    ContextSettings fewer =
        settings.compactAt() > 0
            ? new ContextSettings(0, settings.clearToolsAt())
            : ContextSettings.OFF;
    log.warn(
        "task {}: the API refused context management for {} ({}); going on with {}",
        taskId,
        model,
        refusal.getMessage(),
        fewer.on() ? "tool-result clearing only" : "none");
    settings = fewer;
    taken.put(model, fewer);
    return true;
  }

  /** Mirrors what the API did to the request {@code reply} answers; the reply is recorded. */
  void answered(BetaMessage reply, Conversation conversation) {
    summariesInARow = 0;
    long prompt = TurnUsage.prompt(reply.usage());
    if (reply.content().stream().anyMatch(BetaContentBlock::isCompaction)) {
      // The compaction's own usage does not tell the size of what it closed: the last measured
      // prompt and what was added since do, and the trigger is a floor.
      long before = Math.max(settings.compactAt(), lastPrompt + (requestChars - lastChars) / 4);
      record(new ContextCompacted(before, prompt, ContextCompacted.COMPACT, 0, null));
    }
    lastPrompt = prompt;
    lastChars = requestChars;
    if (reply.contextManagement().isEmpty()) {
      return;
    }
    JsonNode management = ObjectMappers.jsonMapper().valueToTree(reply.contextManagement().get());
    for (JsonNode edit : management.path("applied_edits")) {
      if (edit.path("type").asText().startsWith("clear_tool_uses")
          && edit.path("cleared_tool_uses").asLong() > 0) {
        conversation.clearToolResults(ContextSettings.KEEP_TOOL_USES);
        record(
            new ContextCompacted(
                prompt + edit.path("cleared_input_tokens").asLong(),
                prompt,
                ContextCompacted.CLEAR_TOOL_USES,
                ContextSettings.KEEP_TOOL_USES,
                null));
      }
    }
  }

  /**
   * The API answered that the prompt is too long: summarises the older turns and returns what the
   * summary cost; the caller repeats the turn.
   */
  Usage tooLong(
      DockhandException tooLong,
      Conversation conversation,
      String model,
      String prompt,
      PriceTable prices) {
    if (++summariesInARow > MAX_SUMMARIES_IN_A_ROW) {
      throw tooLong;
    }
    long window = ModelErrors.contextWindow(tooLong).orElse(DEFAULT_WINDOW);
    long before = ModelErrors.promptTokens(tooLong).orElse(estimate(conversation));
    log.info(
        "task {}: the prompt is too long ({} tokens); summarising older turns", taskId, before);
    ContextSummary.Compacted done =
        summary.compact(conversation, model, prompt, window, tooLong.getMessage());
    record(
        new ContextCompacted(
            before,
            estimate(conversation),
            ContextCompacted.SUMMARIZE,
            done.kept(),
            done.message()));
    return TurnUsage.of(prices, model, done.call().usage());
  }

  /** The conversation's size in tokens, estimated at four characters a token. */
  static long estimate(Conversation conversation) {
    return chars(conversation.toParams(false)) / 4;
  }

  /** The size of {@code messages} as JSON. */
  static long chars(List<?> messages) {
    return ObjectMappers.jsonMapper().valueToTree(messages).toString().length();
  }

  private void record(ContextCompacted compacted) {
    log.info(
        "task {}: context {} ({} -> {} tokens)",
        taskId,
        compacted.strategy(),
        compacted.tokensBefore(),
        compacted.tokensAfter());
    context.events().append(compacted);
  }
}
