package dev.dockhand.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
  /** A clock the test moves by hand. */
  private static final class HandClock extends Clock {
    private Instant now = Instant.parse("2025-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final HandClock clock = new HandClock();

  @Test
  void afterTheBurstStartsComeBackAtTenAMinute() {
    LoginLimiter limiter = new LoginLimiter(clock);
    exhaust(limiter, "198.51.100.1");
    clock.advance(Duration.ofSeconds(6));
    limiter.acquire("198.51.100.1");
    assertThatThrownBy(() -> limiter.acquire("198.51.100.1"))
        .isInstanceOfSatisfying(
            ApiException.class,
            limited -> assertThat(limited.retryAfter()).contains(Duration.ofSeconds(6)));
  }

  @Test
  void manyAddressesCannotGrowTheTableBeyondItsBound() {
    LoginLimiter limiter = new LoginLimiter(clock, 2);
    exhaust(limiter, "198.51.100.1");
    limiter.acquire("198.51.100.2");
    limiter.acquire("198.51.100.3");
    // The least recently seen address was dropped: it starts again with a full bucket.
    for (int i = 0; i < LoginLimiter.BURST; i++) {
      limiter.acquire("198.51.100.1");
    }
  }

  private static void exhaust(LoginLimiter limiter, String address) {
    for (int i = 0; i < LoginLimiter.BURST; i++) {
      limiter.acquire(address);
    }
    assertThatThrownBy(() -> limiter.acquire(address)).isInstanceOf(ApiException.class);
  }
}
