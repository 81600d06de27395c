package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import java.util.Optional;
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
      start(node, "node-a", context -> TaskResult.NOTHING);
      // The poll is a minute: only the notification can make this run in time.
      Task task = other.submit(ann, "from b");
      assertThat(nextEnd())
          .isEqualTo(new Dispatcher.AttemptEnd(task.id(), 1, Optional.of(TaskStatus.SUCCEEDED)));
    }
  }
}
