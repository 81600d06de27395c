package dev.dockhand.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dockhand.config.ConfigException;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes given the same node id over one database, run against every database. */
abstract class IncarnationContract {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RENEW = Duration.ofHours(1); // renewed by hand below
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private Database database;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    database = Database.open(freshDatabaseUrl(dir), dir);
  }

  @AfterEach
  void close() {
    database.close();
  }

  private Incarnation start(String nodeId) {
    return Incarnation.register(
        database, nodeId, LEASE, RENEW, Duration.ZERO, handle -> clock.millis());
  }

  @Test
  void aSecondNodeWithTheSameIdIsRefusedWhileTheFirstLivesWithOneLineNamingTheSetting() {
    try (Incarnation first = start("build-1")) {
      clock.advance(Duration.ofSeconds(20));
      first.renew();
      clock.advance(Duration.ofSeconds(20));

      ConfigException refused = catchThrowableOfType(ConfigException.class, () -> start("build-1"));

      assertThat(refused.key()).isEqualTo("DOCKHAND_NODE_ID");
      assertThat(refused.getMessage())
          .startsWith("DOCKHAND_NODE_ID: node id 'build-1' is held by another running node")
          .contains(first.id())
          .endsWith("give each node its own DOCKHAND_NODE_ID")
          .doesNotContain("\n");
      assertThat(first.isLive(first.id())).isTrue();
    }
  }

  @Test
  void aNodeStartsOnceThePreviousHoldersLeaseRanOutAndTheHolderLearnsIt() {
    Incarnation crashed = start("build-1");
    clock.advance(LEASE);

    try (Incarnation second = start("build-1")) {
      assertThat(second.id()).isNotEqualTo(crashed.id());
      assertThat(second.isLive(second.id())).isTrue();
      assertThat(second.isLive(crashed.id())).isFalse();
      assertThat(crashed.renew()).as("the old holder's renewal").isFalse();
      assertThat(second.isLive(second.id())).as("not disturbed by it").isTrue();
    }
  }

  /** A restart right after a crash: the dead run's lease is waited out, not refused. */
  @Test
  void aStartWaitsOutACrashedPredecessorsLease() {
    Duration shortLease = Duration.ofMillis(800);
    DbClock realClock = DbClock.of(database);
    // Never renewed: its first renewal would come after an hour.
    Incarnation crashed =
        Incarnation.register(database, "build-1", shortLease, RENEW, Duration.ZERO, realClock);

    try (crashed;
        Incarnation restarted =
            Incarnation.register(
                database, "build-1", shortLease, RENEW, shortLease.multipliedBy(2), realClock)) {
      assertThat(restarted.isLive(restarted.id())).isTrue();
      assertThat(restarted.isLive(crashed.id())).isFalse();
    }
  }

  /** A live holder renews its lease while the newcomer watches, so the newcomer is refused. */
  @Test
  void aStartWatchingALiveHoldersLeaseIsRefusedOnceItIsRenewed() {
    Duration shortLease = Duration.ofMillis(800);
    Duration renewEvery = Duration.ofMillis(100);
    try (Incarnation live =
        Incarnation.register(
            database, "build-1", shortLease, renewEvery, Duration.ZERO, DbClock.of(database))) {
      ConfigException refused =
          catchThrowableOfType(
              ConfigException.class,
              () ->
                  Incarnation.register(
                      database,
                      "build-1",
                      shortLease,
                      renewEvery,
                      shortLease.multipliedBy(2),
                      DbClock.of(database)));

      assertThat(refused.key()).isEqualTo("DOCKHAND_NODE_ID");
      assertThat(live.isLive(live.id())).isTrue();
    }
  }

  @Test
  void aGracefulStopGivesTheIdUpAtOnceAndOtherIdsNeverCollide() {
    try (Incarnation other = start("build-2")) {
      Incarnation first = start("build-1");
      first.close();

      try (Incarnation restarted = start("build-1")) {
        assertThat(restarted.isLive(first.id())).isFalse();
        assertThat(restarted.isLive(other.id())).isTrue();
      }
    }
  }
}
