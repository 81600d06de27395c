package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.DockhandException;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dispatchers running real steps over a real database, and many claimers at once. */
abstract class DispatcherContract {
  static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final List<Dispatcher> dispatchers = new ArrayList<>();
  String url;
  QueueFixture node;
  long ann;
  AttemptEnds ends;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    url = freshDatabaseUrl(dir);
    // A one-minute poll: anything that happens sooner was woken, not polled.
    node = new QueueFixture(url, dir, QueueFixture.settings(50, 50, 3), clock);
    ann = node.user("ann");
    ends = new AttemptEnds(node.hub);
  }

  @AfterEach
  void close() throws Exception {
    dispatchers.forEach(Dispatcher::shutdown);
    ends.close();
    node.close();
  }

  Dispatcher start(QueueFixture fixture, String nodeId, TaskStep step) {
    Dispatcher dispatcher = new Dispatcher(fixture.queue, step, fixture.settings, nodeId, clock);
    dispatchers.add(dispatcher);
    dispatcher.start();
    return dispatcher;
  }

  AttemptEnds.End nextEnd() throws InterruptedException {
    return ends.next();
  }

  @Test
  void aSubmitWakesTheDispatcherWhichRunsTheTaskToSuccess() throws Exception {
    start(
        node,
        "node-a",
        context -> {
          context.events().append(new EventPayload.AssistantMessage(null, "end_turn", Usage.ZERO));
          context.usage(new Usage(1, 2, 0, 0, 0.01));
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    Task task = ends.follow(node.submit(ann, "go"));
    assertThat(nextEnd()).isEqualTo(new AttemptEnds.End(task.id(), 1, TaskStatus.SUCCEEDED));
    assertThat(node.kinds(task.id()))
        .containsExactly("task.queued", "task.started", "message.assistant", "task.succeeded");
    assertThat(node.get(task.id()).usage().outputTokens()).isEqualTo(2);
  }

  @Test
  void aRetryableErrorRetriesAndAnyOtherFailsTheTask() throws Exception {
    start(
        node,
        "node-a",
        context -> {
          if (context.task().prompt().equals("flaky")) {
            throw new DockhandException("model_overloaded", "overloaded", true, null);
          }
          throw new IllegalStateException("secret-looking detail");
        });
    Task flaky = ends.follow(node.submit(ann, "flaky"));
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(node.get(flaky.id()).attempt()).isEqualTo(2);
    Task broken = ends.follow(node.submit(ann, "broken"));
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.FAILED);
    assertThat(node.get(broken.id()).error().orElseThrow().message())
        .isEqualTo("internal error (IllegalStateException)");
  }

  @Test
  void aStepThatFailsKeepingItsWorkFailsTheTaskAtOnceWithWhatItKeptRecorded() throws Exception {
    String reason =
        "the task reached its limit of 3 turns; the work so far is on branch dockhand/x";
    start(
        node,
        "node-a",
        context ->
            new AttemptOutcome.Failed(
                "max_turns",
                reason,
                new TaskResult(
                    Optional.of("dockhand/x"),
                    Optional.of("base"),
                    Optional.of("c0ffee"),
                    Optional.empty())));
    Task task = ends.follow(node.submit(ann, "big"));

    assertThat(nextEnd()).isEqualTo(new AttemptEnds.End(task.id(), 1, TaskStatus.FAILED));
    Task failed = node.get(task.id());
    assertThat(failed.error()).contains(new Task.TaskError("max_turns", reason));
    assertThat(failed.headBranch()).contains("dockhand/x");
    assertThat(failed.commit()).contains("c0ffee");
    assertThat(node.eventLog.all(task.id()).getLast().data().path("code").asText())
        .isEqualTo("max_turns");
  }

  @Test
  void cancellingARunningTaskStopsItsStep() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    start(
        node,
        "node-a",
        context -> {
          CountDownLatch stopped = new CountDownLatch(1);
          context.onCancel(stopped::countDown);
          running.countDown();
          stopped.await();
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    Task task = ends.follow(node.submit(ann, "long"));
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    node.queue.cancel(task.id());
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(node.kinds(task.id())).last().isEqualTo("task.cancelled");
  }

  @Test
  void aFollowUpReachesTheRunningAttempt() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch posted = new CountDownLatch(1);
    BlockingQueue<List<String>> taken = new LinkedBlockingQueue<>();
    start(
        node,
        "node-a",
        context -> {
          context.events().append(new EventPayload.UserMessage("the prompt"));
          running.countDown();
          posted.await();
          taken.add(context.takeMessages());
          taken.add(context.takeMessages());
          return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
        });
    Task task = ends.follow(node.submit(ann, "chat"));
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    node.queue.postMessage(task.id(), "also add tests");
    posted.countDown();
    assertThat(taken.take()).containsExactly("also add tests");
    assertThat(taken.take()).isEmpty();
    assertThat(nextEnd().status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void shutdownStopsRunningTasksAndHandsThemBackWithoutSpendingAnAttempt() throws Exception {
    CountDownLatch running = new CountDownLatch(2);
    CountDownLatch returned = new CountDownLatch(2);
    Dispatcher dispatcher =
        start(
            node,
            "node-a",
            context -> {
              CountDownLatch stopped = new CountDownLatch(1);
              context.onCancel(stopped::countDown);
              running.countDown();
              stopped.await();
              Thread.sleep(100); // winding down takes a step a moment
              returned.countDown();
              return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
            });
    Task one = node.submit(ann, "one");
    Task two = node.submit(ann, "two");
    assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    dispatcher.shutdown();
    for (Task task : List.of(one, two)) {
      Task back = node.get(task.id());
      assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(back.attempt()).isEqualTo(1);
      assertThat(node.kinds(task.id())).last().isEqualTo("task.retrying");
    }
    assertThat(returned.getCount()).as("every step was stopped before shutdown returned").isZero();
  }

  @Test
  void manyClaimersNeverHoldATaskTwiceAndEveryTaskEndsOnce() throws Exception {
    int tasks = 120;
    for (int i = 0; i < tasks; i++) {
      node.submit(ann, "t" + i);
    }
    Map<String, String> holders = new ConcurrentHashMap<>();
    AtomicInteger doubleHeld = new AtomicInteger();
    List<Thread> claimers = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      String owner = "claimer-" + c;
      claimers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (true) {
                      List<Task> claimed = node.leases().claim(owner, 3);
                      if (claimed.isEmpty()
                          && node.queue.countByStatus().get(TaskStatus.QUEUED) == 0) {
                        return;
                      }
                      for (Task task : claimed) {
                        if (holders.putIfAbsent(task.id(), owner) != null) {
                          doubleHeld.incrementAndGet();
                        }
                        Lease lease = Lease.of(task);
                        node.leases().append(lease, new EventPayload.ToolCall(owner, "bash", null));
                        holders.remove(task.id());
                        node.leases().complete(lease, TaskResult.NOTHING, Usage.ZERO, Map.of());
                      }
                    }
                  }));
    }
    for (Thread claimer : claimers) {
      claimer.join(WAIT.toMillis());
    }
    assertThat(doubleHeld).hasValue(0);
    assertThat(node.queue.countByStatus()).containsEntry(TaskStatus.SUCCEEDED, (long) tasks);
    for (Task task : node.queue.list(ann, Optional.empty(), 200, Optional.empty()).items()) {
      assertThat(node.kinds(task.id()))
          .containsExactly("task.queued", "task.started", "tool.call", "task.succeeded");
    }
  }

  @Test
  void twoNodesShareTheQueueAndRunEachTaskOnce() throws Exception {
    QueueSettings quick =
        new QueueSettings(
            50,
            50,
            3,
            Duration.ofSeconds(30),
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            20_000,
            64L << 20);
    QueueFixture other = new QueueFixture(url, dir, quick, clock);
    try (AttemptEnds onBoth = new AttemptEnds(node.hub, other.hub)) {
      Map<String, String> runningOn = new ConcurrentHashMap<>();
      AtomicInteger overlaps = new AtomicInteger();
      TaskStep step =
          context -> {
            String self = Thread.currentThread().getName();
            if (runningOn.putIfAbsent(context.task().id(), self) != null) {
              overlaps.incrementAndGet();
            }
            context.events().append(new EventPayload.ToolCall("t", "bash", null));
            runningOn.remove(context.task().id());
            return new AttemptOutcome.Succeeded(TaskResult.NOTHING);
          };
      start(node, "node-a", step);
      start(other, "node-b", step);
      int tasks = 60;
      for (int i = 0; i < tasks; i++) {
        onBoth.follow((i % 2 == 0 ? node : other).submit(ann, "t" + i));
      }
      Set<String> ended = new HashSet<>();
      for (int i = 0; i < tasks; i++) {
        AttemptEnds.End end = onBoth.next();
        assertThat(end.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(ended.add(end.taskId())).as("each task ends once").isTrue();
      }
      assertThat(overlaps).hasValue(0);
      assertThat(node.queue.countByStatus()).containsEntry(TaskStatus.SUCCEEDED, (long) tasks);
    } finally {
      dispatchers.forEach(Dispatcher::shutdown);
      other.close();
    }
  }
}
