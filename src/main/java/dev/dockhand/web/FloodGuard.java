package dev.dockhand.web;

/**
 * A token bucket over one connection's incoming messages. Not thread-safe: Jetty delivers one
 * connection's messages one at a time.
 */
final class FloodGuard {
  private final double capacity;
  private final double tokensPerNano;
  private double tokens;
  private long at;

  FloodGuard(int perSecond, int burst) {
    this.capacity = burst;
    this.tokensPerNano = perSecond / 1e9;
    this.tokens = burst;
    this.at = System.nanoTime();
  }

  boolean allow() {
    long now = System.nanoTime();
    tokens = Math.min(capacity, tokens + (now - at) * tokensPerNano);
    at = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
