package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's last checks result is what its latest {@code checks.finished} event says, written with
 * that event and guarded by the same lease: every read of the task carries it, and a stale owner
 * changes neither. Run against every database.
 */
abstract class ChecksColumnContract {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  QueueFixture node;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    node = new QueueFixture(freshDatabaseUrl(dir), dir, QueueFixture.settings(10, 10, 3), clock);
    ann = node.user("ann");
  }

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void theLatestChecksEventIsTheTasksChecksAndAStaleOwnerWritesNeither() {
    Task task = node.submit(ann, "fix the tests");
    assertThat(node.get(task.id()).checks()).isEmpty();
    Task claimed = node.leases().claim("node-a", 1).getFirst();
    Lease lease = new Lease(claimed.id(), claimed.leaseOwner().orElseThrow(), claimed.attempt());

    ChecksFinished failed = new ChecksFinished("npm test", 1, 10, 2, 4200, 1);
    ChecksFinished passed = new ChecksFinished("npm test", 0, 12, 0, 3900, 2);
    node.leases().append(lease, failed);
    assertThat(node.get(task.id()).checks()).contains(failed);
    node.leases().append(lease, passed);
    assertThat(node.get(task.id()).checks()).contains(passed);

    node.leases().retry(lease, "model_unavailable", "overloaded", Usage.ZERO, Map.of());
    assertThatThrownBy(
            () -> node.leases().append(lease, new ChecksFinished("x", 9, null, null, 1, 3)))
        .isInstanceOf(LeaseLostException.class);
    clock.advance(Duration.ofHours(1));
    Task again = node.leases().claim("node-b", 1).getFirst();

    assertThat(again.checks()).as("claimed rows carry it too").contains(passed);
    assertThat(
            node.queue
                .list(ann, java.util.Optional.empty(), 10, java.util.Optional.empty())
                .items()
                .getFirst()
                .checks())
        .contains(passed);
    assertThat(node.kinds(task.id()))
        .filteredOn(kind -> kind.equals(EventKind.CHECKS_FINISHED.wire()))
        .hasSize(2);
  }
}
