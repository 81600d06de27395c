package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.ConflictException;
import dev.dockhand.events.Event;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runaway task cannot grow its event log without bound: past the cap in count or bytes its
 * appends are refused, it fails with a reason naming the limit, and how it ended is still stored.
 * Run against every database.
 */
abstract class EventCapContract {
  static final Duration WAIT = Duration.ofSeconds(60);
  static final int MAX_EVENTS = 200;
  static final long MAX_BYTES = 1L << 20;

  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  QueueFixture node;
  Dispatcher dispatcher;
  AttemptEnds ends;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    QueueSettings settings =
        QueueFixture.withEventCaps(QueueFixture.settings(10, 10, 3), MAX_EVENTS, MAX_BYTES);
    node = new QueueFixture(freshDatabaseUrl(dir), dir, settings, clock);
    ann = node.user("ann");
    ends = new AttemptEnds(node.hub);
  }

  @AfterEach
  void close() throws Exception {
    if (dispatcher != null) {
      dispatcher.shutdown();
    }
    ends.close();
    node.close();
  }

  /** Runs tasks with {@code step}; each attempt's end arrives in {@link #ends}. */
  void run(TaskStep step) {
    dispatcher = new Dispatcher(node.queue, step, node.settings, "node-a", clock);
    dispatcher.start();
  }

  AttemptEnds.End nextEnd() throws InterruptedException {
    return ends.next();
  }

  /** A step that writes tool results of {@code size} characters until an append is refused. */
  static TaskStep runaway(int size) {
    String output = "x".repeat(size);
    return context -> {
      while (true) {
        context.events().append(new EventPayload.ToolResult("t", output, false, 1));
      }
    };
  }

  long storedBytes(String taskId) {
    return node.eventLog.all(taskId).stream()
        .mapToLong(event -> event.data().toString().getBytes(StandardCharsets.UTF_8).length)
        .sum();
  }

  @Test
  void aTaskThatWritesTooManyEventsFailsWithTheLimitAsReasonAndItsEndIsStored() throws Exception {
    run(runaway(10));
    Task task = ends.follow(node.submit(ann, "loop forever"));

    assertThat(nextEnd().status()).isEqualTo(TaskStatus.FAILED);
    Task failed = node.get(task.id());
    assertThat(failed.error().orElseThrow())
        .isEqualTo(
            new Task.TaskError(
                "event_limit",
                "the task wrote more events than its limit of 200 (DOCKHAND_TASK_MAX_EVENTS);"
                    + " what it wrote until then is kept"));
    List<Event> events = node.eventLog.all(task.id());
    assertThat(events).hasSizeLessThanOrEqualTo(MAX_EVENTS).hasSizeGreaterThan(MAX_EVENTS - 10);
    assertThat(events).extracting(Event::seq).containsExactlyElementsOf(seqs(events.size()));
    Event last = events.getLast();
    assertThat(last.kind()).isEqualTo(EventKind.TASK_FAILED);
    assertThat(last.data().path("code").asText()).isEqualTo("event_limit");
    assertThat(last.data().path("reason").asText()).contains("limit of 200");
  }

  @Test
  void aTaskThatWritesTooManyBytesOfEventsFailsWithTheLimitAsReasonAndItsEndIsStored()
      throws Exception {
    run(runaway(50_000));
    Task task = ends.follow(node.submit(ann, "print forever"));

    assertThat(nextEnd().status()).isEqualTo(TaskStatus.FAILED);
    assertThat(node.get(task.id()).error().orElseThrow().message())
        .isEqualTo(
            "the task wrote more than its limit of 1 MB of events (DOCKHAND_TASK_MAX_EVENT_MB);"
                + " what it wrote until then is kept");
    List<Event> events = node.eventLog.all(task.id());
    assertThat(events).hasSizeLessThan(MAX_EVENTS / 2);
    assertThat(storedBytes(task.id())).isLessThanOrEqualTo(MAX_BYTES).isGreaterThan(MAX_BYTES / 2);
    assertThat(events.getLast().kind()).isEqualTo(EventKind.TASK_FAILED);
    assertThat(events.getLast().data().path("code").asText()).isEqualTo("event_limit");
  }

  @Test
  void theRecordOfAPushThatHappenedStillFitsAfterTheAgentWasRefused() throws Exception {
    BlockingQueue<Event> pushed = new LinkedBlockingQueue<>();
    TaskStep loop = runaway(10);
    run(
        context -> {
          try {
            return loop.run(context);
          } catch (EventLimitException full) {
            pushed.add(context.events().append(new EventPayload.GitPushed("b", "c")));
            pushed.add(context.events().append(new EventPayload.PrOpened("u")));
            throw full;
          }
        });
    Task task = ends.follow(node.submit(ann, "loop, then push"));

    assertThat(nextEnd().status()).isEqualTo(TaskStatus.FAILED);
    assertThat(pushed).hasSize(2);
    assertThat(node.kinds(task.id()))
        .hasSizeLessThanOrEqualTo(MAX_EVENTS)
        .endsWith("git.pushed", "pr.opened", "task.failed");
  }

  @Test
  void aFollowUpToATaskWhoseLogIsFullIsRefusedAndDoesNotResumeIt() throws Exception {
    run(runaway(10));
    Task task = ends.follow(node.submit(ann, "loop forever"));
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.FAILED);
    long stored = node.eventLog.all(task.id()).size();

    assertThatThrownBy(() -> node.queue.postMessage(task.id(), "try again"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("limit of 200")
        .hasMessageContaining("start a new task");
    assertThat(node.get(task.id()).status()).isEqualTo(TaskStatus.FAILED);
    assertThat(node.eventLog.all(task.id())).hasSize((int) stored);
  }

  @Test
  void aFollowUpsBytesCountTowardsTheCap() throws Exception {
    String big = "y".repeat(300_000);
    Task task = node.submit(ann, "chat");
    for (int i = 0; i < 3; i++) {
      node.queue.postMessage(task.id(), big);
    }
    // Three follow-ups of 300 kB leave less than the 64 kB reserve plus room of a fourth.
    assertThatThrownBy(() -> node.queue.postMessage(task.id(), big))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("1 MB of events");
  }

  private static List<Long> seqs(int count) {
    return LongStream.rangeClosed(1, count).boxed().toList();
  }
}
