package dev.dockhand.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.queue.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class BlockedHostsTest {
  record Report(String host, int port, long count) {}

  private final List<Report> reports = new CopyOnWriteArrayList<>();
  private final ManualClock clock = new ManualClock();
  private final BlockedHosts blocked =
      new BlockedHosts(
          (host, port, count) -> reports.add(new Report(host, port, count)),
          clock,
          Duration.ofSeconds(5));

  @Test
  void theFirstRefusalIsReportedAtOnce() {
    blocked.record("evil.example", 443);

    assertThat(reports).containsExactly(new Report("evil.example", 443, 1));
  }

  @Test
  void repeatedRefusalsAreCountedAndReportedAtMostOncePerInterval() {
    for (int i = 0; i < 50; i++) {
      blocked.record("evil.example", 443);
    }
    blocked.flushDue();
    assertThat(reports).containsExactly(new Report("evil.example", 443, 1));

    clock.advance(Duration.ofSeconds(5));
    blocked.flushDue();
    blocked.flushDue();
    assertThat(reports).last().isEqualTo(new Report("evil.example", 443, 50));
    assertThat(reports).hasSize(2);

    clock.advance(Duration.ofSeconds(5));
    blocked.record("evil.example", 443);
    assertThat(reports).last().isEqualTo(new Report("evil.example", 443, 51));
  }

  @Test
  void closeReportsTotalsThatChangedAndNoOthers() {
    blocked.record("a.example", 443);
    blocked.record("a.example", 443);
    blocked.record("b.example", 80);

    blocked.close();

    assertThat(reports)
        .containsExactly(
            new Report("a.example", 443, 1),
            new Report("b.example", 80, 1),
            new Report("a.example", 443, 2));
  }

  @Test
  void theSameHostOnAnotherPortIsAnotherDestination() {
    blocked.record("a.example", 443);
    blocked.record("a.example", 80);

    assertThat(reports)
        .containsExactly(new Report("a.example", 443, 1), new Report("a.example", 80, 1));
  }

  @Test
  void atMostAHundredDestinationsAreTracked() {
    for (int i = 0; i < 150; i++) {
      blocked.record("host" + i + ".example", 443);
    }
    blocked.record("host0.example", 443);
    blocked.close();

    assertThat(reports.stream().map(Report::host).distinct()).hasSize(BlockedHosts.MAX_TRACKED);
    assertThat(reports).last().isEqualTo(new Report("host0.example", 443, 2));
  }

  @Test
  void aFailingListenerDoesNotStopCounting() {
    List<Long> counts = new CopyOnWriteArrayList<>();
    BlockedHosts failing =
        new BlockedHosts(
            (host, port, count) -> {
              counts.add(count);
              throw new IllegalStateException("store down");
            },
            clock,
            Duration.ofSeconds(5));

    failing.record("a.example", 443);
    failing.record("a.example", 443);
    failing.close();

    assertThat(counts).containsExactly(1L, 2L);
  }
}
