package dev.dockhand.agent;

import com.anthropic.core.ObjectMappers;
import com.anthropic.models.beta.messages.BetaUsage;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Usage;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one response cost. When the API ran more than one sampling iteration for it (a server-side
 * compaction summarises, then answers), {@code usage.iterations} lists each and the top-level
 * counts are the last iteration's alone, so the bill is the sum over the iterations.
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
    Optional<List<BetaUsage.Iteration>> iterations = usage.iterations().filter(i -> !i.isEmpty());
    if (iterations.isEmpty()) {
      return prices.usage(
          model,
          usage.inputTokens(),
          usage.outputTokens(),
          usage.cacheReadInputTokens().orElse(0L),
          usage.cacheCreationInputTokens().orElse(0L));
    }
    long input = 0;
    long output = 0;
    long cacheRead = 0;
    long cacheWrite = 0;
    for (BetaUsage.Iteration iteration : iterations.get()) {
      // Every kind of iteration has the same four counts; read them alike, whatever the kind.
      JsonNode counts = ObjectMappers.jsonMapper().valueToTree(iteration);
      input += counts.path("input_tokens").asLong();
      output += counts.path("output_tokens").asLong();
      cacheRead += counts.path("cache_read_input_tokens").asLong();
      cacheWrite += counts.path("cache_creation_input_tokens").asLong();
    }
    return prices.usage(model, input, output, cacheRead, cacheWrite);
  }

  /** The prompt's size of the first and of the last iteration: before and after a compaction. */
  static long[] promptBeforeAndAfter(BetaUsage usage) {
    List<BetaUsage.Iteration> iterations = usage.iterations().orElse(List.of());
    long after =
        usage.inputTokens()
            + usage.cacheReadInputTokens().orElse(0L)
            + usage.cacheCreationInputTokens().orElse(0L);
    if (iterations.isEmpty()) {
      return new long[] {after, after};
    }
    JsonNode first = ObjectMappers.jsonMapper().valueToTree(iterations.get(0));
    long before =
        first.path("input_tokens").asLong()
            + first.path("cache_read_input_tokens").asLong()
            + first.path("cache_creation_input_tokens").asLong();
    return new long[] {before, after};
  }
}
