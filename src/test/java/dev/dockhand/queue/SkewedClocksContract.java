package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.events.Usage;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one database whose own clocks are ten minutes fast and ten minutes slow: leases and
 * when a queued task may run are judged by the database's clock, so neither node steals the other's
 * live lease or keeps a dead one longer, a task queued on one is runnable on the other at once, and
 * a retry waits out its backoff, no less and no more, wherever it is claimed. The database's clock
 * is read for real; the tests move it forward by an offset, so they need not wait for a lease or a
 * backoff to run out.
 */
abstract class SkewedClocksContract {
  static final Duration SKEW = Duration.ofMinutes(10);

  @TempDir Path dir;
  final AtomicLong databaseAhead = new AtomicLong();
  QueueFixture fast;
  QueueFixture slow;
  Duration lease;
  Duration backoff;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    String url = freshDatabaseUrl(dir);
    QueueSettings settings = QueueFixture.settings(10, 10, 3);
    lease = settings.lease();
    backoff = settings.backoffBase(); // the longest wait before a second attempt
    fast = new QueueFixture(url, dir, settings, skewed(SKEW), this::databaseClock);
    slow = new QueueFixture(url, dir, settings, skewed(SKEW.negated()), this::databaseClock);
    ann = slow.user("ann");
  }

  @AfterEach
  void close() {
    fast.close();
    slow.close();
  }

  @Test
  void aFastNodeDoesNotRescueALeaseTheSlowNodeHoldsAndRenews() {
    Task task = slow.submit(ann, "build it");
    Lease held = Lease.of(slow.leases().claim("slow", 1).getFirst());
    assertThat(fast.leases().rescueExpired()).as("just claimed").isZero();

    advanceDatabase(lease.multipliedBy(2).dividedBy(3));
    assertThat(slow.leases().heartbeat(held, Usage.ZERO)).isFalse();
    // Past the first lease, not the renewed one.
    advanceDatabase(lease.multipliedBy(2).dividedBy(3));

    assertThat(fast.leases().rescueExpired()).as("renewed").isZero();
    Task now = fast.get(task.id());
    assertThat(now.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(now.leaseOwner()).contains("slow");
    assertThat(now.attempt()).isEqualTo(1);
    assertThat(slow.leases().heartbeat(held, Usage.ZERO)).as("still the owner").isFalse();
  }

  @Test
  void aSlowNodesLeaseIsRescuedWhenTheDatabasesTimePassesItsExpiry() {
    leaseIsRescuedByTheDatabasesTime(slow, fast);
  }

  @Test
  void aFastNodesLeaseIsRescuedWhenTheDatabasesTimePassesItsExpiry() {
    leaseIsRescuedByTheDatabasesTime(fast, slow);
  }

  /** {@code holder} claims a task and stops renewing; {@code rescuer} puts it back on time. */
  private void leaseIsRescuedByTheDatabasesTime(QueueFixture holder, QueueFixture rescuer) {
    Task task = slow.submit(ann, "build it");
    long claimedAt = databaseMillis();
    Task claimed = holder.leases().claim("holder", 1).getFirst();
    assertThat(claimed.leaseExpiresAt().orElseThrow())
        .as("ends a lease after the database's now, not the holder's")
        .isBetween(
            Instant.ofEpochMilli(claimedAt).plus(lease),
            Instant.ofEpochMilli(databaseMillis()).plus(lease));

    advanceDatabase(lease.minusSeconds(2));
    assertThat(rescuer.leases().rescueExpired()).as("before the lease ends").isZero();
    assertThat(holder.get(task.id()).status()).isEqualTo(TaskStatus.RUNNING);

    advanceDatabase(Duration.ofSeconds(3));
    assertThat(rescuer.leases().rescueExpired()).as("once it ended").isEqualTo(1);
    Task back = rescuer.get(task.id());
    assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(back.attempt()).isEqualTo(2);
    assertThatThrownBy(() -> holder.leases().heartbeat(Lease.of(claimed), Usage.ZERO))
        .isInstanceOf(LeaseLostException.class);
  }

  @Test
  void aTaskQueuedOrResumedOnTheFastNodeIsClaimableAtOnceOnTheSlowNode() {
    Task task = fast.submit(ann, "build it");
    Task claimed = slow.leases().claim("slow", 1).getFirst();
    assertThat(claimed.id()).isEqualTo(task.id());
    slow.leases().complete(Lease.of(claimed), TaskResult.NOTHING, Usage.ZERO, Map.of());

    fast.queue.postMessage(task.id(), "and the docs");

    assertThat(slow.leases().claim("slow", 1))
        .singleElement()
        .satisfies(resumed -> assertThat(resumed.attempt()).isEqualTo(2));
  }

  @Test
  void aRetryOnTheFastNodeIsClaimableOnTheSlowNodeOnceItsBackoffPassesByTheDatabasesClock() {
    retryWaitsOutItsBackoffByTheDatabasesClock(fast, slow);
  }

  @Test
  void aRetryOnTheSlowNodeIsNotClaimedEarlyByTheFastNode() {
    retryWaitsOutItsBackoffByTheDatabasesClock(slow, fast);
  }

  /** {@code failing} retries a task; {@code claimer} gets it when, and only when, it may run. */
  private void retryWaitsOutItsBackoffByTheDatabasesClock(
      QueueFixture failing, QueueFixture claimer) {
    Task task = failing.submit(ann, "flaky");
    Lease held = Lease.of(failing.leases().claim("failing", 1).getFirst());
    long failedAt = databaseMillis();
    Task back =
        failing.leases().retry(held, "model_overloaded", "overloaded", Usage.ZERO, Map.of());
    assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(back.runAfter())
        .as("the backoff counts from the database's now")
        .isBetween(
            Instant.ofEpochMilli(failedAt).plus(backoff.dividedBy(2)),
            Instant.ofEpochMilli(databaseMillis()).plus(backoff));

    assertThat(claimer.leases().claim("claimer", 1)).as("within the backoff").isEmpty();
    assertThat(failing.leases().claim("failing", 1)).as("within the backoff").isEmpty();

    advanceDatabase(backoff.plusSeconds(1));
    assertThat(claimer.leases().claim("claimer", 1))
        .as("once the backoff passed")
        .singleElement()
        .satisfies(
            retried -> {
              assertThat(retried.id()).isEqualTo(task.id());
              assertThat(retried.attempt()).isEqualTo(2);
            });
  }

  private static Clock skewed(Duration skew) {
    return Clock.offset(Clock.systemUTC(), skew);
  }

  /** The database's own clock, moved forward by {@link #databaseAhead}. */
  private DbClock databaseClock(Database database) {
    DbClock real = DbClock.of(database);
    return handle -> real.millis(handle) + databaseAhead.get();
  }

  private long databaseMillis() {
    DbClock clock = databaseClock(slow.database);
    return slow.database.jdbi().withHandle(clock::millis);
  }

  private void advanceDatabase(Duration duration) {
    databaseAhead.addAndGet(duration.toMillis());
  }
}
