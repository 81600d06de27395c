package dev.dockhand.events;

/** Model usage of a task (all attempts), and its cost at the configured prices. */
public record Usage(
    long inputTokens,
    long outputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    double costUsd) {

  public static final Usage ZERO = new Usage(0, 0, 0, 0, 0);

  public Usage plus(Usage other) {
    return new Usage(
        inputTokens + other.inputTokens,
        outputTokens + other.outputTokens,
        cacheReadTokens + other.cacheReadTokens,
        cacheWriteTokens + other.cacheWriteTokens,
        costUsd + other.costUsd);
  }
}
