package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaUsage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Usage;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one response cost. When the API compacted the context before answering, {@code
 * usage.iterations} lists the compaction's own iteration, whose tokens are billed but are not in
 * the top-level counts; they are added here.
 */
final class TurnUsage {
  private static final Logger log = LoggerFactory.getLogger(TurnUsage.class);

  private TurnUsage() {}

  static void log(String taskId, int turn, Usage usage) {
    log.info(
        "task {} turn {}: {} input, {} output, {} cache read, {} cache write tokens, ${}",
        taskId,
        turn,
        usage.inputTokens(),
        usage.outputTokens(),
        usage.cacheReadTokens(),
        usage.cacheWriteTokens(),
        String.format("%.5f", usage.costUsd()));
  }

  static Usage of(PriceTable prices, String model, BetaUsage usage) {
    long input = usage.inputTokens();
    long output = usage.outputTokens();
    long cacheRead = usage.cacheReadInputTokens().orElse(0L);
    long cacheWrite = usage.cacheCreationInputTokens().orElse(0L);
    for (BetaUsage.Iteration iteration : usage.iterations().orElse(List.of())) {
      if (iteration.isCompaction()) {
        // A compaction's own tokens are billed but not in the top-level counts.
        JsonNode counts = ObjectMappers.jsonMapper().valueToTree(iteration);
        input += counts.path("input_tokens").asLong();
        output += counts.path("output_tokens").asLong();
        cacheRead += counts.path("cache_read_input_tokens").asLong();
        cacheWrite += counts.path("cache_creation_input_tokens").asLong();
      }
    }
    return prices.usage(model, input, output, cacheRead, cacheWrite);
  }

  /** The size in tokens of the prompt the model answered (the last sampling iteration's). */
  static long prompt(BetaUsage usage) {
    return usage.inputTokens()
        + usage.cacheReadInputTokens().orElse(0L)
        + usage.cacheCreationInputTokens().orElse(0L);
  }
}
