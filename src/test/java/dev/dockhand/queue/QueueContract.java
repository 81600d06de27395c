package dev.dockhand.queue;

import static dev.dockhand.queue.QueueFixture.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.ConflictException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue's behaviour, run against every database (one subclass each). */
abstract class QueueContract {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  QueueFixture node;
  long ann;
  long bob;

  /** A JDBC URL of a new, empty database. */
  abstract String freshDatabaseUrl(Path dir);

  QueueSettings settings() {
    return QueueFixture.settings(10, 3, 3);
  }

  @BeforeEach
  void open() {
    node = new QueueFixture(freshDatabaseUrl(dir), dir, settings(), clock);
    ann = node.user("ann");
    bob = node.user("bob");
  }

  @AfterEach
  void close() {
    node.close();
  }

  @Test
  void aSubmittedTaskIsQueuedWithDefaultsAndItsFirstEvent() {
    Task task = node.submit(ann, "fix the bug");
    assertThat(task.id()).matches("[a-z2-7]{26}");
    assertThat(task.shortId()).hasSize(8);
    assertThat(task.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(task.attempt()).isEqualTo(1);
    assertThat(task.maxAttempts()).isEqualTo(3);
    assertThat(task.model()).isEqualTo("test-model");
    assertThat(task.maxTurns()).isEqualTo(50);
    assertThat(node.kinds(task.id())).containsExactly("task.queued");
    assertThat(node.queue.get(task.id())).contains(task);
    assertThat(node.queue.get("nope")).isEmpty();
  }

  @Test
  void theSameIdempotencyKeyAndBodyReturnTheSameTask() {
    Task first = node.queue.submit(task(ann, "once"), Optional.of("k1"));
    Task again = node.queue.submit(task(ann, "once"), Optional.of("k1"));
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(node.queue.countByStatus().get(TaskStatus.QUEUED)).isEqualTo(1);
    Task otherUser = node.queue.submit(task(bob, "once"), Optional.of("k1"));
    assertThat(otherUser.id()).isNotEqualTo(first.id());
  }

  @Test
  void theSameIdempotencyKeyWithAnotherBodyIsAConflict() {
    node.queue.submit(task(ann, "once"), Optional.of("k1"));
    assertThatThrownBy(() -> node.queue.submit(task(ann, "twice"), Optional.of("k1")))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("k1");
  }

  @Test
  void theHostsATaskAddsReachItsOwnerOnEveryAttempt() {
    NewTask submitted =
        new NewTask(
            ann,
            "https://github.com/acme/widgets",
            Optional.empty(),
            "install from the mirror",
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of("mirror.example.com", "*.example.org:8443"));
    Task task = node.queue.submit(submitted, Optional.empty());
    assertThat(task.egressAllow()).containsExactly("mirror.example.com", "*.example.org:8443");
    Lease first = Lease.of(node.leases().claim("node-a", 1).get(0));
    node.leases().retry(first, "network", "reset", Usage.ZERO, Map.of());
    clock.advance(Duration.ofMinutes(10));
    Task second = node.leases().claim("node-a", 1).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.egressAllow()).containsExactly("mirror.example.com", "*.example.org:8443");
    assertThat(node.submit(ann, "no extra hosts").egressAllow()).isEmpty();
  }

  @Test
  void racingSubmitsWithOneIdempotencyKeyMakeOneTask() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 8; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> ids.add(node.queue.submit(task(ann, "same"), Optional.of("race")).id())));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(ids).hasSize(8);
    assertThat(ids.stream().distinct()).hasSize(1);
  }

  @Test
  void aClaimTakesTheOldestRunnableTaskUnderALease() {
    Task older = node.submit(ann, "first");
    clock.advance(Duration.ofMillis(1));
    node.submit(ann, "second");
    List<Task> claimed = node.leases().claim("node-a", 1);
    assertThat(claimed).extracting(Task::id).containsExactly(older.id());
    Task running = claimed.get(0);
    assertThat(running.status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(running.leaseOwner()).contains("node-a");
    assertThat(running.leaseExpiresAt()).contains(clock.instant().plus(Duration.ofSeconds(30)));
    assertThat(node.kinds(older.id())).containsExactly("task.queued", "task.started");
    assertThat(node.eventLog.all(older.id()).get(1).data().path("attempt").asInt()).isEqualTo(1);
  }

  @Test
  void claimsStopAtThePerUserLimit() {
    for (int i = 0; i < 5; i++) {
      node.submit(ann, "ann " + i);
    }
    node.submit(bob, "bob");
    List<Task> claimed = node.leases().claim("node-a", 10);
    assertThat(claimed.stream().filter(task -> task.userId() == ann)).hasSize(3);
    assertThat(claimed.stream().filter(task -> task.userId() == bob)).hasSize(1);
    assertThat(node.leases().claim("node-b", 10)).isEmpty();
    assertThat(node.queue.activeCount(ann)).isEqualTo(5);
  }

  @Test
  void claimsOneAtATimeStopAtThePerUserLimitToo() {
    for (int i = 0; i < 5; i++) {
      node.submit(ann, "ann " + i);
    }
    clock.advance(Duration.ofMillis(1));
    Task bobs = node.submit(bob, "bob");
    for (int i = 0; i < 3; i++) {
      assertThat(node.leases().claim("node-a", 1)).extracting(Task::userId).containsExactly(ann);
    }
    assertThat(node.leases().claim("node-a", 1)).extracting(Task::id).containsExactly(bobs.id());
    assertThat(node.leases().claim("node-a", 1)).isEmpty();
  }

  @Test
  void aLongBacklogOfOneUserDoesNotStarveAnother() {
    for (int i = 0; i < 150; i++) {
      node.submit(ann, "ann " + i);
    }
    clock.advance(Duration.ofMillis(1));
    Task bobs = node.submit(bob, "bob's only task");
    List<Task> claimed = new ArrayList<>(node.leases().claim("node-a", 10));
    claimed.addAll(node.leases().claim("node-a", 10));
    assertThat(claimed).extracting(Task::id).contains(bobs.id());
    assertThat(claimed.stream().filter(task -> task.userId() == ann)).hasSize(3);
  }

  @Test
  void claimsStopAtTheGlobalLimit() {
    for (int i = 0; i < 4; i++) {
      long user = node.user("user" + i);
      for (int j = 0; j < 3; j++) {
        node.submit(user, "work");
      }
    }
    assertThat(node.leases().claim("node-a", 7)).hasSize(7);
    assertThat(node.leases().claim("node-b", 7)).hasSize(3);
    assertThat(node.leases().claim("node-c", 7)).isEmpty();
    assertThat(node.queue.countByStatus())
        .containsEntry(TaskStatus.RUNNING, 10L)
        .containsEntry(TaskStatus.QUEUED, 2L);
  }

  @Test
  void aRetryableFailureWaitsABoundedBackoffThenRunsAsTheNextAttempt() {
    Task task = node.submit(ann, "flaky");
    Lease first = Lease.of(node.leases().claim("node-a", 1).get(0));
    long failedAt = clock.millis();
    Task retrying = node.leases().retry(first, "model_overloaded", "529", Usage.ZERO, Map.of());
    assertThat(retrying.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(retrying.attempt()).isEqualTo(2);
    long delay = retrying.runAfter().toEpochMilli() - failedAt;
    assertThat(delay).isBetween(5_000L, 10_000L);
    assertThat(node.leases().claim("node-a", 1)).as("not before its backoff").isEmpty();
    clock.advance(Duration.ofMillis(delay));
    Task second = node.leases().claim("node-a", 1).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    Lease lease = Lease.of(second);
    retrying = node.leases().retry(lease, "model_overloaded", "529", Usage.ZERO, Map.of());
    assertThat(retrying.runAfter().toEpochMilli() - clock.millis()).isBetween(10_000L, 20_000L);
    assertThat(node.eventLog.all(task.id()).get(2).data().path("attempt").asInt()).isEqualTo(2);
    assertThat(node.kinds(task.id()))
        .containsExactly(
            "task.queued", "task.started", "task.retrying", "task.started", "task.retrying");
  }

  @Test
  void aTaskFailsForGoodWhenItsAttemptsAreSpent() {
    Task task = node.submit(ann, "doomed");
    for (int attempt = 1; attempt <= 3; attempt++) {
      clock.advance(Duration.ofMinutes(10));
      Lease lease = Lease.of(node.leases().claim("node-a", 1).get(0));
      assertThat(lease.attempt()).isEqualTo(attempt);
      node.leases().retry(lease, "network", "connection reset", Usage.ZERO, Map.of());
    }
    Task failed = node.get(task.id());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().orElseThrow().message()).contains("gave up after 3 attempts");
    assertThat(node.kinds(task.id())).last().isEqualTo("task.failed");
    clock.advance(Duration.ofHours(1));
    assertThat(node.leases().claim("node-a", 1)).isEmpty();
  }

  @Test
  void aCompletedTaskRecordsItsResultUsageAndTimings() {
    Task task = node.submit(ann, "work");
    Lease lease = Lease.of(node.leases().claim("node-a", 1).get(0));
    clock.advance(Duration.ofSeconds(3));
    TaskResult result =
        new TaskResult(
            Optional.of("dockhand/" + task.shortId()),
            Optional.of("base"),
            Optional.of("abc"),
            Optional.of("https://github.com/acme/widgets/pull/1"));
    Usage usage = new Usage(10, 20, 0, 0, 0.5);
    Task done = node.leases().complete(lease, result, usage, Map.of("agent", 2000L));
    assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
    assertThat(done.headBranch()).contains("dockhand/" + task.shortId());
    assertThat(done.prUrl()).contains("https://github.com/acme/widgets/pull/1");
    assertThat(done.usage()).isEqualTo(usage);
    assertThat(done.timings()).containsEntry("agent", 2000L).containsEntry("total", 3000L);
    assertThat(done.leaseOwner()).isEmpty();
    var last = node.eventLog.all(task.id()).get(2);
    assertThat(last.kind()).isEqualTo(EventKind.TASK_SUCCEEDED);
    assertThat(last.data().path("usage").path("outputTokens").asLong()).isEqualTo(20);
    assertThat(last.data().path("timings").path("total").asLong()).isEqualTo(3000);
  }

  @Test
  void cancellingAQueuedTaskEndsItAtOnce() {
    Task task = node.submit(ann, "never mind");
    node.queue.cancel(task.id());
    assertThat(node.get(task.id()).status()).isEqualTo(TaskStatus.CANCELLED);
    assertThat(node.kinds(task.id())).containsExactly("task.queued", "task.cancelled");
    assertThat(node.leases().claim("node-a", 1)).isEmpty();
  }

  @Test
  void cancellingARunningTaskRaisesTheFlagItsHeartbeatSees() {
    Task task = node.submit(ann, "stop me");
    Lease lease = Lease.of(node.leases().claim("node-a", 1).get(0));
    assertThat(node.leases().heartbeat(lease, Usage.ZERO)).isFalse();
    node.queue.cancel(task.id());
    assertThat(node.get(task.id()).status()).isEqualTo(TaskStatus.RUNNING);
    assertThat(node.leases().heartbeat(lease, Usage.ZERO)).isTrue();
    node.leases().cancelled(lease, Usage.ZERO, Map.of());
    assertThat(node.get(task.id()).status()).isEqualTo(TaskStatus.CANCELLED);
  }

  @Test
  void aStaleOwnerCanNeitherHeartbeatNorAppendNorFinish() {
    Task task = node.submit(ann, "contested");
    Lease stale = Lease.of(node.leases().claim("node-a", 1).get(0));
    clock.advance(Duration.ofSeconds(31));
    assertThat(node.leases().rescueExpired()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(5));
    Lease current = Lease.of(node.leases().claim("node-b", 1).get(0));
    assertThat(current.attempt()).isEqualTo(2);
    List<Long> seqsBefore = node.seqs(task.id());
    Task before = node.get(task.id());

    assertThatThrownBy(() -> node.leases().heartbeat(stale, Usage.ZERO))
        .isInstanceOfSatisfying(
            LeaseLostException.class,
            e -> {
              assertThat(e.taskId()).isEqualTo(task.id());
              assertThat(e.owner()).isEqualTo("node-a");
              assertThat(e.attempt()).isEqualTo(1);
            });
    EventPayload late = new EventPayload.AssistantMessage(null, "end_turn", Usage.ZERO);
    assertThatThrownBy(() -> node.leases().append(stale, late))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(
            () -> node.leases().complete(stale, TaskResult.NOTHING, Usage.ZERO, Map.of()))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> node.leases().retry(stale, "x", "y", Usage.ZERO, Map.of()))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> node.leases().handBack(stale, Usage.ZERO, Map.of()))
        .isInstanceOf(LeaseLostException.class);

    assertThat(node.seqs(task.id())).isEqualTo(seqsBefore);
    assertThat(node.get(task.id())).isEqualTo(before);
    assertThat(node.leases().heartbeat(current, Usage.ZERO)).isFalse();
  }

  @Test
  void anExpiredLeaseOnTheLastAttemptFailsTheTask() {
    Task task = node.submit(ann, "crashy");
    for (int attempt = 1; attempt <= 3; attempt++) {
      clock.advance(Duration.ofMinutes(10));
      assertThat(node.leases().claim("node-a", 1)).hasSize(1);
      clock.advance(Duration.ofSeconds(31));
      assertThat(node.leases().rescueExpired()).isEqualTo(1);
    }
    Task failed = node.get(task.id());
    assertThat(failed.status()).isEqualTo(TaskStatus.FAILED);
    assertThat(failed.error().orElseThrow().code()).isEqualTo("lease_expired");
  }

  @Test
  void handingBackOnShutdownSpendsNoAttempt() {
    Task task = node.submit(ann, "interrupted");
    Lease lease = Lease.of(node.leases().claim("node-a", 1).get(0));
    Task back = node.leases().handBack(lease, Usage.ZERO, Map.of());
    assertThat(back.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(back.attempt()).isEqualTo(1);
    assertThat(back.runAfter()).isEqualTo(clock.instant());
    var retrying = node.eventLog.all(task.id()).get(2);
    assertThat(retrying.kind()).isEqualTo(EventKind.TASK_RETRYING);
    assertThat(retrying.data().path("attempt").asInt()).isEqualTo(1);
    assertThat(node.leases().claim("node-b", 1).get(0).attempt()).isEqualTo(1);
  }

  @Test
  void aFollowUpResumesAFinishedTaskAsANewAttemptThatAlwaysRuns() {
    Task task = node.submit(ann, "first");
    for (int attempt = 1; attempt <= 3; attempt++) {
      clock.advance(Duration.ofMinutes(10));
      Lease lease = Lease.of(node.leases().claim("node-a", 1).get(0));
      node.leases().retry(lease, "network", "reset", Usage.ZERO, Map.of());
    }
    assertThat(node.get(task.id()).status()).isEqualTo(TaskStatus.FAILED);
    node.queue.postMessage(task.id(), "try once more");
    Task resumed = node.get(task.id());
    assertThat(resumed.status()).isEqualTo(TaskStatus.QUEUED);
    assertThat(resumed.attempt()).isEqualTo(4);
    assertThat(resumed.maxAttempts()).isEqualTo(6);
    assertThat(resumed.error()).isEmpty();
    assertThat(node.kinds(task.id())).endsWith("task.failed", "message.user", "task.queued");
    assertThat(node.leases().claim("node-a", 1)).extracting(Task::attempt).containsExactly(4);
  }

  @Test
  void listingPagesTheUsersTasksNewestFirst() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(0, node.submit(ann, "task " + i).id());
      clock.advance(Duration.ofMillis(i % 2)); // some share a creation time
    }
    node.submit(bob, "not ann's");
    Page<Task> first = node.queue.list(ann, Optional.empty(), 2, Optional.empty());
    Page<Task> second = node.queue.list(ann, Optional.empty(), 2, first.nextCursor());
    Page<Task> third = node.queue.list(ann, Optional.empty(), 2, second.nextCursor());
    List<String> seen = new ArrayList<>();
    List.of(first, second, third).forEach(page -> page.items().forEach(t -> seen.add(t.id())));
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(seen.subList(0, 1)).containsExactly(ids.get(0));
    assertThat(third.nextCursor()).isEmpty();
    assertThat(node.queue.list(ann, Optional.of(TaskStatus.RUNNING), 10, Optional.empty()).items())
        .isEmpty();
    assertThatThrownBy(() -> node.queue.list(ann, Optional.empty(), 2, Optional.of("%%")))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("cursor"));
    assertThatThrownBy(() -> node.queue.list(ann, Optional.empty(), 0, Optional.empty()))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("limit"));
  }

  @Test
  void aTaskKeepsItsDiff() {
    Task task = node.submit(ann, "change");
    assertThat(node.queue.diff(task.id())).isEmpty();
    node.queue.saveDiff(task.id(), "--- a\n+++ b\n");
    assertThat(node.queue.diff(task.id())).contains("--- a\n+++ b\n");
  }

  @Test
  void eventSeqsRunFromOneWithoutGapsUnderConcurrentAppends() throws Exception {
    Task task = node.submit(ann, "chatty");
    Lease lease = Lease.of(node.leases().claim("node-a", 1).get(0));
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int j = 0; j < 10; j++) {
                      node.leases().append(lease, new EventPayload.ToolCall("t" + j, "bash", null));
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    List<Long> seqs = node.seqs(task.id());
    assertThat(seqs).hasSize(82);
    for (int i = 0; i < seqs.size(); i++) {
      assertThat(seqs.get(i)).isEqualTo(i + 1L);
    }
  }
}
