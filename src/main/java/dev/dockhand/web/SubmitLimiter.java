package dev.dockhand.web;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per user for task submissions and follow-up messages together: {@code burst} at
 * once, then {@code perMinute} sustained. Buckets live in memory, so on several nodes each node
 * applies the rate on its own. Thread-safe.
 */
final class SubmitLimiter {
  private final Clock clock;
  private final double capacity;
  private final double tokensPerMilli;
  private final ConcurrentHashMap<Long, Bucket> buckets = new ConcurrentHashMap<>();

  SubmitLimiter(Clock clock, int perMinute, int burst) {
    this.clock = clock;
    this.capacity = burst;
    this.tokensPerMilli = perMinute / 60_000.0;
  }

  /** Takes a token for the user, or throws 429 saying when the next one will be there. */
  void acquire(long userId) {
    long now = clock.millis();
    Bucket bucket = buckets.compute(userId, (id, old) -> refill(old, now).take());
    if (!bucket.granted()) {
      long waitMillis = (long) Math.ceil((1 - bucket.tokens()) / tokensPerMilli);
      throw ApiException.rateLimited(
          "too many submissions and follow-up messages; try again in "
              + Math.max(1, (waitMillis + 999) / 1000)
              + " seconds",
          Duration.ofMillis(waitMillis));
    }
  }

  private Bucket refill(Bucket old, long now) {
    if (old == null) {
      return new Bucket(capacity, now, false);
    }
    double tokens = Math.min(capacity, old.tokens() + (now - old.at()) * tokensPerMilli);
    return new Bucket(tokens, Math.max(now, old.at()), false);
  }

  private record Bucket(double tokens, long at, boolean granted) {
    Bucket take() {
      return tokens >= 1 ? new Bucket(tokens - 1, at, true) : this;
    }
  }
}
