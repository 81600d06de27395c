package dev.dockhand.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.queue.Lease;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.queue.QueueFixture;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live fan-out over a real database; one subclass per database. */
abstract class EventHubContract {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  String url;
  QueueFixture node;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    url = freshDatabaseUrl(dir);
    node = new QueueFixture(url, dir, QueueFixture.settings(10, 10, 3), clock);
    ann = node.user("ann");
  }

  @AfterEach
  void close() {
    node.close();
  }

  /** Collects what a subscription receives, for tests to wait on. */
  static final class Recorder implements EventListener {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> deltas = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(Event event) {
      events.add(event);
    }

    @Override
    public void onDelta(String taskId, DeltaStream stream, String text) {
      deltas.add(stream == DeltaStream.TEXT ? text : stream.wire() + ":" + text);
    }

    Event next() throws InterruptedException {
      Event event = events.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("an event arrived in time").isNotNull();
      return event;
    }
  }

  @Test
  void aSubscriberGetsStoredThenLiveEventsInOrderEachOnceWhileAppendsRace() throws Exception {
    Task task = node.submit(ann, "busy");
    Lease lease = lease(node, task);
    int appends = 300;
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (int i = 0; i < appends; i++) {
                    node.leases().append(lease, new EventPayload.ToolCall("t" + i, "bash", null));
                  }
                });
    Recorder late = new Recorder();
    try (AutoCloseable subscription = node.hub.subscribe(task.id(), 0, late)) {
      writer.join();
      for (long seq = 1; seq <= appends + 2; seq++) {
        assertThat(late.next().seq()).isEqualTo(seq);
      }
      assertThat(late.events.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void aSubscriberResumesAfterTheSeqItAlreadyHas() throws Exception {
    Task task = node.submit(ann, "resume");
    Lease lease = lease(node, task);
    node.leases().append(lease, new EventPayload.ToolCall("t", "bash", null));
    Recorder recorder = new Recorder();
    try (AutoCloseable subscription = node.hub.subscribe(task.id(), 2, recorder)) {
      assertThat(recorder.next().kind()).isEqualTo(EventKind.TOOL_CALL);
      node.leases().append(lease, new EventPayload.ToolResult("t", "", false, 1));
      Event live = recorder.next();
      assertThat(live.seq()).isEqualTo(4);
      assertThat(live.kind()).isEqualTo(EventKind.TOOL_RESULT);
    }
    node.leases().append(lease, new EventPayload.ToolCall("t", "bash", null));
    assertThat(recorder.events.poll(200, TimeUnit.MILLISECONDS)).as("closed").isNull();
  }

  @Test
  void theTasksTopicCarriesOnlyTheUsersStatusChanges() throws Exception {
    long bob = node.user("bob");
    BlockingQueue<Task> seen = new LinkedBlockingQueue<>();
    try (AutoCloseable subscription = node.queue.taskHub().subscribe(ann, seen::add)) {
      node.submit(bob, "not ann's");
      Task task = node.submit(ann, "ann's");
      assertThat(seen.poll(30, TimeUnit.SECONDS).status()).isEqualTo(TaskStatus.QUEUED);
      node.queue.cancel(task.id());
      Task cancelled = seen.poll(30, TimeUnit.SECONDS);
      assertThat(cancelled.id()).isEqualTo(task.id());
      assertThat(cancelled.status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(seen.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void deltasReachLiveSubscribersOnly() throws Exception {
    Task task = node.submit(ann, "talk");
    Recorder recorder = new Recorder();
    try (AutoCloseable subscription = node.hub.subscribe(task.id(), 0, recorder)) {
      node.hub.publishDelta(task.id(), DeltaStream.TEXT, "Hel");
      node.hub.publishDelta(task.id(), DeltaStream.SETUP, "npm ci");
      node.hub.publishDelta(task.id(), DeltaStream.TEXT, "lo");
      assertThat(recorder.deltas.poll(30, TimeUnit.SECONDS)).isEqualTo("Hel");
      assertThat(recorder.deltas.poll(30, TimeUnit.SECONDS)).isEqualTo("setup:npm ci");
      assertThat(recorder.deltas.poll(30, TimeUnit.SECONDS)).isEqualTo("lo");
    }
    assertThat(node.eventLog.all(task.id()))
        .extracting(Event::kind)
        .containsExactly(EventKind.TASK_QUEUED);
  }

  @Test
  void aListenerThatThrowsDoesNotBreakOthers() throws Exception {
    Task task = node.submit(ann, "x");
    Recorder recorder = new Recorder();
    EventListener broken =
        event -> {
          throw new IllegalStateException("boom");
        };
    try (AutoCloseable bad = node.hub.subscribe(task.id(), 0, broken);
        AutoCloseable fine = node.hub.subscribe(task.id(), 0, recorder)) {
      node.queue.cancel(task.id());
      assertThat(recorder.next().seq()).isEqualTo(1);
      assertThat(recorder.next().kind()).isEqualTo(EventKind.TASK_CANCELLED);
    }
  }

  static Lease lease(QueueFixture fixture, Task task) {
    List<Task> claimed = fixture.leases().claim("node-a", 10);
    return claimed.stream()
        .filter(candidate -> candidate.id().equals(task.id()))
        .map(candidate -> new Lease(candidate.id(), "node-a", candidate.attempt()))
        .findFirst()
        .orElseThrow();
  }
}
