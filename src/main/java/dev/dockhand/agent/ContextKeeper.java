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

  private final ContextSettings settings;
  private final ContextSummary summary;
  private final TaskContext context;
  private final String taskId;
  private boolean serverSide;
  private int summariesInARow;

  ContextKeeper(
      ContextSettings settings, ContextSummary summary, TaskContext context, String taskId) {
    this.settings = settings;
    this.summary = summary;
    this.context = context;
    this.taskId = taskId;
    this.serverSide = settings.on();
  }

  /** Adds the API's context management to a request, while the API takes it. */
  void configure(MessageCreateParams.Builder request) {
    if (serverSide) {
      request.betas(settings.betas());
      settings.config().ifPresent(request::contextManagement);
    }
  }

  /**
   * The API refused the request's context management (a model or account without the beta): the run
   * goes on without it, and Dockhand's own compaction guards the window. False when there was none
   * to refuse.
   */
  boolean dropServerSide(DockhandException refusal) {
    if (!serverSide) {
      return false;
    }
    log.warn(
        "task {}: the API refused context management ({}); going on without it",
        taskId,
        refusal.getMessage());
    serverSide = false;
    return true;
  }

  /** Mirrors what the API did to the request {@code reply} answers; the reply is recorded. */
  void answered(BetaMessage reply, Conversation conversation) {
    summariesInARow = 0;
    if (reply.content().stream().anyMatch(BetaContentBlock::isCompaction)) {
      long[] sizes = TurnUsage.promptBeforeAndAfter(reply.usage());
      record(new ContextCompacted(sizes[0], sizes[1], ContextCompacted.COMPACT, 0, null));
    }
    if (reply.contextManagement().isEmpty()) {
      return;
    }
    JsonNode management = ObjectMappers.jsonMapper().valueToTree(reply.contextManagement().get());
    for (JsonNode edit : management.path("applied_edits")) {
      if (edit.path("type").asText().startsWith("clear_tool_uses")
          && edit.path("cleared_tool_uses").asLong() > 0) {
        conversation.clearToolResults(ContextSettings.KEEP_TOOL_USES);
        long after = TurnUsage.promptBeforeAndAfter(reply.usage())[1];
        record(
            new ContextCompacted(
                after + edit.path("cleared_input_tokens").asLong(),
                after,
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
    List<?> params = conversation.toParams(false);
    return ObjectMappers.jsonMapper().valueToTree(params).toString().length() / 4;
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
