package dev.dockhand.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.queue.Lease;
import dev.dockhand.queue.QueueFixture;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskStatus;
import dev.dockhand.store.TestDatabases;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("postgres")
class PostgresEventHubTest extends EventHubContract {
  @Override
  String freshDatabaseUrl(Path dir) {
    return TestDatabases.freshPostgresUrl();
  }

  @Test
  void eventsStatusChangesAndDeltasFromAnotherNodeReachThisNodesSubscribers() throws Exception {
    try (QueueFixture other = new QueueFixture(url, dir, node.settings, clock)) {
      Task task = other.submit(ann, "elsewhere");
      Recorder recorder = new Recorder();
      BlockingQueue<Task> statuses = new LinkedBlockingQueue<>();
      try (AutoCloseable events = node.hub.subscribe(task.id(), 0, recorder);
          AutoCloseable tasks = node.queue.taskHub().subscribe(ann, statuses::add)) {
        assertThat(recorder.next().kind()).isEqualTo(EventKind.TASK_QUEUED);
        Lease lease = lease(other, task);
        other.leases().append(lease, new EventPayload.ToolCall("t", "bash", null));
        assertThat(recorder.next().kind()).isEqualTo(EventKind.TASK_STARTED);
        Event remote = recorder.next();
        assertThat(remote.seq()).isEqualTo(3);
        assertThat(remote.data().path("name").asText()).isEqualTo("bash");
        // The submit's own notification may still be on its way; the claim's follows it.
        Task seen = statuses.poll(30, TimeUnit.SECONDS);
        if (seen.status() == TaskStatus.QUEUED) {
          seen = statuses.poll(30, TimeUnit.SECONDS);
        }
        assertThat(seen.status()).isEqualTo(TaskStatus.RUNNING);

        String big = "é".repeat(9000); // 18000 bytes: over one NOTIFY payload
        other.hub.publishDelta(task.id(), DeltaStream.TEXT, big);
        StringBuilder received = new StringBuilder();
        while (received.length() < big.length()) {
          String piece = recorder.deltas.poll(30, TimeUnit.SECONDS);
          assertThat(piece).isNotNull();
          received.append(piece);
        }
        assertThat(received.toString()).isEqualTo(big);
        // Which stream a delta belongs to crosses nodes too.
        other.hub.publishDelta(task.id(), DeltaStream.SETUP, "added 1 package");
        assertThat(recorder.deltas.poll(30, TimeUnit.SECONDS)).isEqualTo("setup:added 1 package");
      }
    }
  }
}
