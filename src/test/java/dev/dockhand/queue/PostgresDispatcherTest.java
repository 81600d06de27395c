package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("postgres")
class PostgresDispatcherTest extends DispatcherContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.freshPostgresUrl();
  }

  @Test
  void aSubmitOnAnotherNodeWakesThisNodesDispatcherThroughNotify() throws Exception {
    try (QueueFixture other = new QueueFixture(url, dir, node.settings, clock)) {
      start(node, "node-a", context -> new AttemptOutcome.Succeeded(TaskResult.NOTHING));
      // The poll is a minute: only the notification can make this run in time.
      Task task = ends.follow(other.submit(ann, "from b"));
      assertThat(nextEnd()).isEqualTo(new AttemptEnds.End(task.id(), 1, TaskStatus.SUCCEEDED));
    }
  }
}
