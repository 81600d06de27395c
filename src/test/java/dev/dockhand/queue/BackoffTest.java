package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofSeconds(5), Duration.ofMinutes(5));

  @Test
  void eachRetryWaitsBetweenHalfAndAllOfTheDoubledBase() {
    for (int attempt = 1; attempt <= 6; attempt++) {
      long ceiling = 5_000L << (attempt - 1);
      for (int i = 0; i < 200; i++) {
        assertThat(backoff.after(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void theDelayNeverPassesTheCapHoweverManyAttempts() {
    for (int attempt : new int[] {7, 20, 64, 1000, Integer.MAX_VALUE}) {
      assertThat(backoff.after(attempt)).isBetween(Duration.ofSeconds(150), Duration.ofMinutes(5));
    }
  }

  @Test
  void jitterSpreadsRetriesOfManyTasks() {
    Set<Long> delays = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      delays.add(backoff.after(3).toMillis());
    }
    assertThat(delays).hasSizeGreaterThan(50);
  }
}
