package dev.dockhand.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.ConflictException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.HandleCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers that queue behind a commit share the next one; each still gets its own outcome, a
 * business failure (a conflict) fails alone without replaying the others, and only committed work
 * runs its after-commit callbacks.
 */
class SqliteGroupCommitTest {
  @TempDir Path dir;
  private Database database;
  private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();

  @BeforeEach
  void open() {
    database = Database.open(TestDatabases.sqliteUrl(dir), dir);
    database.write(h -> h.execute("CREATE TABLE notes(id TEXT PRIMARY KEY, body TEXT NOT NULL)"));
  }

  @AfterEach
  void close() {
    writers.shutdownNow();
    database.close();
  }

  @Test
  void writersQueuedBehindACommitShareOneTransactionAndEachGetsItsOwnResult() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first = holdingTheLock(release);
    Map<String, Long> seenByOthers = new ConcurrentHashMap<>();
    List<Future<Integer>> queued = new ArrayList<>();
    for (String id : List.of("b", "c", "d")) {
      queued.add(
          queue(
              h -> {
                int inserted = h.execute("INSERT INTO notes VALUES (?, 'x')", id);
                // Another connection does not see what this transaction wrote so far.
                seenByOthers.put(id, countFromAnotherThread());
                int count = h.select("SELECT COUNT(*) FROM notes").mapTo(Integer.class).one();
                return inserted + count;
              }));
    }

    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    List<Integer> results = new ArrayList<>();
    for (Future<Integer> write : queued) {
      results.add(write.get(10, TimeUnit.SECONDS));
    }
    // Each writer got its own answer, computed in order within the one transaction.
    assertThat(results).containsExactly(1 + 2, 1 + 3, 1 + 4);
    // The later writers ran before the earlier ones committed: one transaction, one commit.
    assertThat(seenByOthers).containsEntry("d", 1L).containsEntry("c", 1L).containsEntry("b", 1L);
    assertThat(countFromAnotherConnection()).isEqualTo(4);
  }

  @Test
  void aFailingWriteInAGroupFailsAloneAndOnlyCommittedWorkRunsItsCallbacks() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first = holdingTheLock(release);
    List<String> afterCommit = new CopyOnWriteArrayList<>();
    Future<Integer> before = queue(insert("before", afterCommit));
    Future<Integer> failing =
        queue(
            h -> {
              insert("doomed", afterCommit).withHandle(h);
              throw new IllegalStateException("the caller's own failure");
            });
    Future<Integer> after = queue(insert("after", afterCommit));

    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    try {
      failing.get(10, TimeUnit.SECONDS);
      throw new AssertionError("the failing write returned");
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the caller's own failure");
    }
    assertThat(ids()).containsExactlyInAnyOrder("first", "before", "after");
    assertThat(afterCommit).containsExactly("before", "after");
  }

  @Test
  void aWriterThatMeetsAConflictFailsAloneAndTheOthersCommitExactlyOnce() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first = holdingTheLock(release);
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    List<String> afterCommit = new CopyOnWriteArrayList<>();
    List<String> ids = List.of("w0", "w1", "w2", "conflict", "w3", "w4");
    Map<String, Future<Integer>> queued = new LinkedHashMap<>();
    for (String id : ids) {
      HandleCallback<Integer, RuntimeException> insert = insert(id, afterCommit);
      queued.put(
          id,
          queue(
              h -> {
                runs.computeIfAbsent(id, ignored -> new AtomicInteger()).incrementAndGet();
                int inserted = insert.withHandle(h);
                if (id.equals("conflict")) {
                  throw new ConflictException("task t-1 is already finished");
                }
                return inserted;
              }));
    }

    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    for (Map.Entry<String, Future<Integer>> write : queued.entrySet()) {
      if (write.getKey().equals("conflict")) {
        assertThatThrownBy(() -> write.getValue().get(10, TimeUnit.SECONDS))
            .cause()
            .isInstanceOf(ConflictException.class)
            .hasMessage("task t-1 is already finished");
      } else {
        assertThat(write.getValue().get(10, TimeUnit.SECONDS)).isEqualTo(1);
      }
    }
    // One group, no replays: every writer's callback ran once, the conflicting one's write is gone.
    assertThat(runs).hasSize(ids.size()).allSatisfy((id, count) -> assertThat(count).hasValue(1));
    assertThat(ids()).containsExactlyInAnyOrder("first", "w0", "w1", "w2", "w3", "w4");
    assertThat(afterCommit).containsExactly("w0", "w1", "w2", "w3", "w4");
  }

  @Test
  void anActionAfterACommitThatThrowsNeitherReplaysTheGroupNorStopsTheOtherWritersActions()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Future<Integer> first = holdingTheLock(release);
    List<String> afterCommit = new CopyOnWriteArrayList<>();
    List<Future<Integer>> queued = new ArrayList<>();
    queued.add(queue(insert("before", afterCommit)));
    queued.add(
        queue(
            h -> {
              h.afterCommit(
                  () -> {
                    throw new IllegalStateException("a listener failed");
                  });
              return h.execute("INSERT INTO notes VALUES ('loud', 'x')");
            }));
    queued.add(queue(insert("after", afterCommit)));

    release.countDown();

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    // Run again, any of these inserts would have failed on the primary key.
    for (Future<Integer> write : queued) {
      assertThat(write.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(afterCommit).containsExactly("before", "after");
    assertThat(ids()).containsExactlyInAnyOrder("first", "before", "loud", "after");
  }

  @Test
  void aWriteMadeByAnActionAfterACommitRunsRatherThanWaitingForItsOwnWriter() throws Exception {
    Future<Integer> outer =
        writers.submit(
            () ->
                database.write(
                    h -> {
                      h.afterCommit(
                          () ->
                              database.write(
                                  again ->
                                      again.execute("INSERT INTO notes VALUES ('then', 'x')")));
                      return h.execute("INSERT INTO notes VALUES ('first', 'x')");
                    }));
    assertThat(outer.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(ids()).containsExactlyInAnyOrder("first", "then");
  }

  @Test
  void manyConcurrentWritersLoseNothing() throws Exception {
    List<Future<?>> all = new ArrayList<>();
    for (int writer = 0; writer < 16; writer++) {
      int w = writer;
      all.add(
          writers.submit(
              () -> {
                for (int i = 0; i < 50; i++) {
                  String id = w + "-" + i;
                  database.write(h -> h.execute("INSERT INTO notes VALUES (?, 'x')", id));
                }
                return null;
              }));
    }
    for (Future<?> writer : all) {
      writer.get(60, TimeUnit.SECONDS);
    }
    assertThat(countFromAnotherConnection()).isEqualTo(16 * 50);
  }

  /** Starts a writer that holds the write lock until {@code release}; returns once it holds it. */
  private Future<Integer> holdingTheLock(CountDownLatch release) throws InterruptedException {
    CountDownLatch holding = new CountDownLatch(1);
    Future<Integer> first =
        writers.submit(
            () ->
                database.write(
                    h -> {
                      holding.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return h.execute("INSERT INTO notes VALUES ('first', 'x')");
                    }));
    assertThat(holding.await(10, TimeUnit.SECONDS)).as("the first writer holds the lock").isTrue();
    return first;
  }

  /**
   * Starts a writer of {@code callback} and returns once it waits behind the writer holding the
   * lock: parked in {@link GroupCommit}'s write on the condition a group's end signals, which it
   * waits on only once its work is queued.
   */
  private Future<Integer> queue(HandleCallback<Integer, RuntimeException> callback)
      throws Exception {
    CompletableFuture<Thread> writer = new CompletableFuture<>();
    Future<Integer> write =
        writers.submit(
            () -> {
              writer.complete(Thread.currentThread());
              return database.write(callback);
            });
    Thread thread = writer.get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!waitingForAGroup(thread)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the writer did not queue: " + List.of(thread.getStackTrace()));
      }
      Thread.sleep(1);
    }
    return write;
  }

  private static boolean waitingForAGroup(Thread writer) {
    if (writer.getState() != Thread.State.WAITING) {
      return false;
    }
    List<StackTraceElement> stack = List.of(writer.getStackTrace());
    return stack.stream().anyMatch(frame -> frame.getClassName().endsWith("$ConditionObject"))
        && stack.stream()
            .anyMatch(
                frame ->
                    frame.getClassName().equals(GroupCommit.class.getName())
                        && frame.getMethodName().equals("write"));
  }

  private static HandleCallback<Integer, RuntimeException> insert(String id, List<String> log) {
    return h -> {
      h.afterCommit(() -> log.add(id));
      return h.execute("INSERT INTO notes VALUES (?, 'x')", id);
    };
  }

  private long countFromAnotherConnection() {
    return database
        .jdbi()
        .withHandle(h -> h.select("SELECT COUNT(*) FROM notes").mapTo(Long.class).one());
  }

  /** Jdbi reuses a thread's open handle, so another connection means another thread. */
  private long countFromAnotherThread() {
    try {
      return writers.submit(this::countFromAnotherConnection).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> ids() {
    return database
        .jdbi()
        .withHandle(h -> h.select("SELECT id FROM notes").mapTo(String.class).list());
  }
}
