package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.events.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker in another JVM dies or is stopped mid-work; nothing is lost. */
abstract class CrashRecoveryContract {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock(Instant.now());
  String url;
  QueueFixture node;
  long ann;
  Process worker;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    url = freshDatabaseUrl(dir);
    node = new QueueFixture(url, dir, QueueWorkerMain.SETTINGS, clock);
    ann = node.user("ann");
  }

  @AfterEach
  void close() {
    if (worker != null) {
      worker.destroyForcibly();
    }
    node.close();
  }

  @Test
  void tasksOfAKilledWorkerAreReclaimedAfterTheirLeaseAndAllFinishOnce() throws Exception {
    List<String> ids = submit(6);
    Set<String> started = startWorkerAndAwait(4);
    worker.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    for (String id : started) {
      assertThat(node.get(id).status()).isEqualTo(TaskStatus.RUNNING);
    }

    assertThat(node.leases().rescueExpired()).as("not before the lease expires").isZero();
    // The worker's leases run on the database's clock (this machine's), which has moved on since
    // ours started by however long the worker took to start: catch up first.
    Duration behind = Duration.between(clock.instant(), Instant.now());
    clock.advance(behind.plus(QueueWorkerMain.SETTINGS.lease()).plusMinutes(1));
    assertThat(node.leases().rescueExpired()).isEqualTo(4);
    clock.advance(Duration.ofMinutes(5)); // past any backoff

    Dispatcher survivor =
        new Dispatcher(
            node.queue,
            context -> new AttemptOutcome.Succeeded(TaskResult.NOTHING),
            node.settings,
            "survivor",
            clock);
    try (AttemptEnds ends = new AttemptEnds(node.hub)) {
      ids.forEach(id -> ends.follow(node.get(id)));
      survivor.start();
      Set<String> succeeded = new HashSet<>();
      while (succeeded.size() < ids.size()) {
        AttemptEnds.End end = ends.next();
        if (end.status() == TaskStatus.SUCCEEDED) {
          succeeded.add(end.taskId());
        }
      }
    } finally {
      survivor.shutdown();
    }
    for (String id : ids) {
      Task task = node.get(id);
      assertThat(task.status()).isEqualTo(TaskStatus.SUCCEEDED);
      List<Event> events = node.eventLog.all(id);
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).seq()).isEqualTo(i + 1L);
      }
      assertThat(events.stream().filter(event -> event.kind().terminal())).hasSize(1);
      if (started.contains(id)) {
        assertThat(task.attempt()).isEqualTo(2);
        assertThat(node.kinds(id))
            .containsExactly(
                "task.queued",
                "task.started",
                "tool.call",
                "task.retrying",
                "task.started",
                "task.succeeded");
      }
    }
  }

  @Test
  void aTerminatedWorkerHandsItsTasksBackWithoutSpendingAnAttempt() throws Exception {
    submit(5);
    Set<String> started = startWorkerAndAwait(4);
    worker.destroy(); // SIGTERM: the shutdown hook stops the dispatcher
    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    for (String id : started) {
      Task task = node.get(id);
      assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
      assertThat(task.attempt()).isEqualTo(1);
      assertThat(task.leaseOwner()).isEmpty();
      List<Event> events = node.eventLog.all(id);
      Event last = events.get(events.size() - 1);
      assertThat(last.kind().wire()).isEqualTo("task.retrying");
      assertThat(last.data().path("attempt").asInt()).isEqualTo(1);
    }
    assertThat(node.queue.countByStatus()).containsEntry(TaskStatus.QUEUED, 5L);
  }

  private List<String> submit(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(node.submit(ann, "task " + i).id());
    }
    return ids;
  }

  /** Starts the worker JVM and returns the ids of the first {@code count} tasks it started. */
  private Set<String> startWorkerAndAwait(int count) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    worker =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                QueueWorkerMain.class.getName(),
                url,
                dir.toString(),
                "worker-1")
            .redirectError(Path.of("target", "queue-worker.err").toFile())
            .start();
    Process watched = worker;
    // A watchdog, so a hung worker fails the test instead of hanging the build.
    CompletableFuture.delayedExecutor(120, TimeUnit.SECONDS).execute(watched::destroyForcibly);
    Set<String> started = new HashSet<>();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
    while (started.size() < count) {
      String line = lines.readLine();
      assertThat(line).as("worker output (see target/queue-worker.err)").isNotNull();
      if (line.startsWith("started ")) {
        started.add(line.split(" ")[1]);
      }
    }
    return started;
  }
}
