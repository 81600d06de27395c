package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.TaskTransitions.Move;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every pair of states: the moves TaskStatus allows are made, the others refused, on every DB. */
abstract class TransitionsContract {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  QueueFixture node;
  TaskTransitions transitions;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    node =
        new QueueFixture(freshDatabaseUrl(dir), dir, QueueFixture.settings(1000, 1000, 3), clock);
    transitions =
        new TaskTransitions(node.database, node.eventLog, node.hub, node.queue.taskHub(), clock);
    ann = node.user("ann");
  }

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void everyAllowedMoveIsMadeAndEveryOtherIsRefusedWritingNothing() {
    int allowed = 0;
    int refused = 0;
    for (TaskStatus from : TaskStatus.values()) {
      for (TaskStatus to : TaskStatus.values()) {
        Task task = inState(from);
        int events = node.eventLog.all(task.id()).size();
        Move move = moveTo(task, to);
        if (from.canMoveTo(to)) {
          Optional<Task> moved = node.database.write(h -> transitions.apply(h, task, move));
          assertThat(moved).as(from + " -> " + to).isPresent();
          assertThat(node.get(task.id()).status()).as(from + " -> " + to).isEqualTo(to);
          List<Event> log = node.eventLog.all(task.id());
          assertThat(log).hasSize(events + 1);
          assertThat(log.getLast().kind()).isEqualTo(EventKind.of(move.event()));
          allowed++;
        } else {
          assertThatThrownBy(() -> node.database.write(h -> transitions.apply(h, task, move)))
              .as(from + " -> " + to)
              .isInstanceOf(IllegalTransitionException.class)
              .hasMessageContaining(task.id())
              .hasMessageContaining(from.wire() + " to " + to.wire());
          assertThat(node.get(task.id()).status()).isEqualTo(from);
          assertThat(node.eventLog.all(task.id())).hasSize(events);
          refused++;
        }
      }
    }
    // queued: running, cancelled; running: queued and the three ends; each end: queued.
    assertThat(allowed).isEqualTo(9);
    assertThat(refused).isEqualTo(16);
  }

  @Test
  void aMoveFromAStateTheRowHasLeftWritesNothing() {
    Task queued = node.submit(ann, "claimed meanwhile");
    node.leases().claim("node-a", 10);
    Move cancel = TaskMoves.cancelled(queued, Usage.ZERO, Map.of(), clock.millis());
    Optional<Task> moved = node.database.write(h -> transitions.apply(h, queued, cancel));
    assertThat(moved).isEmpty();
    assertThat(node.get(queued.id()).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(node.kinds(queued.id())).containsExactly("task.queued", "task.started");
  }

  @Test
  void cancellingAQueuedTaskWritesTheSameEventAsCancellingARunningOne() {
    Task running = inState(TaskStatus.RUNNING);
    Task queued = node.submit(ann, "cancel me while queued");
    clock.advance(Duration.ofSeconds(3));
    node.queue.cancel(queued.id());
    node.leases().cancelled(Lease.of(running), Usage.ZERO, Map.of());
    JsonNode whileQueued = node.eventLog.all(queued.id()).getLast().data();
    JsonNode whileRunning = node.eventLog.all(running.id()).getLast().data();
    assertThat(fieldNames(whileQueued)).isEqualTo(fieldNames(whileRunning));
    assertThat(fieldNames(whileQueued)).containsExactly("reason", "code", "usage", "timings");
    assertThat(whileQueued.path("code").asText()).isEqualTo("cancelled");
    assertThat(whileQueued.path("timings").path("total").asLong()).isEqualTo(3000);
    Task stored = node.get(queued.id());
    assertThat(stored.error()).contains(new Task.TaskError("cancelled", "cancelled by the user"));
    assertThat(stored.timings()).containsEntry("total", 3000L);
  }

  private static List<String> fieldNames(JsonNode node) {
    return com.google.common.collect.ImmutableList.copyOf(node.fieldNames());
  }

  /** A new task brought to {@code status} by the queue's own paths. */
  private Task inState(TaskStatus status) {
    Task queued = node.submit(ann, "to " + status.wire());
    if (status == TaskStatus.QUEUED) {
      return queued;
    }
    if (status == TaskStatus.CANCELLED) {
      node.queue.cancel(queued.id());
      return node.get(queued.id());
    }
    Task running =
        node.leases().claim("node-a", 1000).stream()
            .filter(task -> task.id().equals(queued.id()))
            .findFirst()
            .orElseThrow();
    return switch (status) {
      case RUNNING -> running;
      case SUCCEEDED ->
          node.leases().complete(Lease.of(running), TaskResult.NOTHING, Usage.ZERO, Map.of());
      case FAILED -> node.leases().fail(Lease.of(running), "test", "failed", Usage.ZERO, Map.of());
      case QUEUED, CANCELLED -> throw new AssertionError(status);
    };
  }

  /** The move the queue would make to reach {@code to}. */
  private Move moveTo(Task task, TaskStatus to) {
    long now = clock.millis();
    return switch (to) {
      case QUEUED ->
          task.status().terminal()
              ? TaskMoves.resumed(task, 3, now)
              : TaskMoves.requeued(task.attempt() + 1, now, "again", Usage.ZERO, Map.of());
      case RUNNING ->
          new Move(
              TaskStatus.RUNNING,
              Map.of("lease_owner", "node-b", "lease_expires_at", now + 30_000),
              new EventPayload.TaskStarted(task.attempt()));
      case SUCCEEDED, FAILED ->
          TaskMoves.finished(task, to, null, null, Usage.ZERO, Map.of(), TaskResult.NOTHING, now);
      case CANCELLED -> TaskMoves.cancelled(task, Usage.ZERO, Map.of(), now);
    };
  }
}
