package dev.dockhand.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dockhand.events.Usage;

/**
 * One row of a usage report: the tasks of one group ({@code key}, shown as {@code label}), how they
 * ended, and what their model calls used and cost. {@code successRate} is succeeded / (succeeded +
 * failed): a cancellation is the person's choice, not the agent's failure; null when none ended.
 */
public record UsageRow(
    String key,
    String label,
    long tasks,
    long succeeded,
    long failed,
    long cancelled,
    @JsonInclude(JsonInclude.Include.ALWAYS) Double successRate,
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    double costUsd) {

  static UsageRow empty(String key, String label) {
    return new UsageRow(key, label, 0, 0, 0, 0, null, 0, 0, 0, 0, 0);
  }

  UsageRow plus(String status, Usage usage) {
    long nowSucceeded = succeeded + (status.equals("succeeded") ? 1 : 0);
    long nowFailed = failed + (status.equals("failed") ? 1 : 0);
    return new UsageRow(
        key,
        label,
        tasks + 1,
        nowSucceeded,
        nowFailed,
        cancelled + (status.equals("cancelled") ? 1 : 0),
        rate(nowSucceeded, nowFailed),
        inputTokens + usage.inputTokens(),
        outputTokens + usage.outputTokens(),
        cacheReadTokens + usage.cacheReadTokens(),
        cacheWriteTokens + usage.cacheWriteTokens(),
        costUsd + usage.costUsd());
  }

  UsageRow plus(UsageRow other) {
    long allSucceeded = succeeded + other.succeeded;
    long allFailed = failed + other.failed;
    return new UsageRow(
        key,
        label,
        tasks + other.tasks,
        allSucceeded,
        allFailed,
        cancelled + other.cancelled,
        rate(allSucceeded, allFailed),
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cacheReadTokens + other.cacheReadTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        costUsd + other.costUsd);
  }

  private static Double rate(long succeeded, long failed) {
    return succeeded + failed == 0 ? null : (double) succeeded / (succeeded + failed);
  }
}
