package dev.dockhand.queue;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays: the base doubled for each attempt already spent, capped, then "equal jitter" (a
 * random point in the upper half), so retries of many tasks spread out but never come early.
 */
record Backoff(Duration base, Duration cap) {
  /** The delay before the retry that follows failed attempt {@code attempt} (1-based). */
  Duration after(int attempt) {
    long ceiling = ceiling(attempt);
    long half = ceiling / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
  }

  /** The largest delay {@link #after} returns; the smallest is half of it. */
  long ceiling(int attempt) {
    long base = base().toMillis();
    int doublings = Math.min(Math.max(attempt - 1, 0), 40);
    long grown = base > (Long.MAX_VALUE >> doublings) ? Long.MAX_VALUE : base << doublings;
    return Math.min(grown, cap().toMillis());
  }
}
