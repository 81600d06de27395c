package dev.dockhand.store;

import com.zaxxer.hikari.HikariConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * SQLite in WAL mode: readers never block the writer, one writer at a time. Every transaction
 * starts with {@code BEGIN IMMEDIATE}, so a transaction that reads then writes cannot fail half way
 * on a lock upgrade. {@code synchronous=FULL}: each commit is on disk before it returns, so a power
 * cut loses nothing committed (see docs/store.md). Thread-safe.
 */
final class SqliteDialect implements Dialect {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteDialect.class);
  static final int BUSY_TIMEOUT_MS = 10_000;
  /** At most this many writers share one commit. */
  private static final int MAX_GROUP = 64;

  private final String url;
  private final ReentrantLock state = new ReentrantLock();
  private final Condition groupEnded = state.newCondition();
  // Guarded by the state lock.
  private final Queue<Work<?>> queued = new ArrayDeque<>();
  private boolean leading;
  private volatile Thread leader;

  SqliteDialect(String url) {
    this.url = url;
    createParent(url.substring("jdbc:sqlite:".length()));
  }

  private static void createParent(String file) {
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + parent, e);
    }
  }

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public HikariConfig poolConfig() {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
    sqlite.enforceForeignKeys(true);
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Inserts return what they need with RETURNING; the driver's generated-keys lookup would
    // otherwise match every statement's text against a regular expression.
    sqlite.setGetGeneratedKeys(false);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl(url);
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(source);
    hikari.setMaximumPoolSize(8);
    return hikari;
  }

  /**
   * Group commit. A writer queues its work; if no writer leads, it leads: it takes every queued
   * piece of work (at most MAX_GROUP) and runs them in one transaction with one commit (one
   * fsync), and goes on leading until its own work is done. Writers that arrive while a commit is
   * on its way to disk wait for the next group; when a group ends, its writers are released at once
   * and a writer with work still queued takes the lead. A caller returns only once its work is
   * committed, as before. If any piece fails, or the commit does, the whole transaction rolls back
   * (which drops its after-commit callbacks) and each piece runs again in its own transaction, in
   * the order they came, so every caller gets the outcome it would have had alone.
   */
  @Override
  public <R> R write(Jdbi jdbi, HandleCallback<R, RuntimeException> callback) {
    if (leader == Thread.currentThread()) {
      // From an after-commit action of the leader's own group: its transaction is over.
      return jdbi.inTransaction(callback);
    }
    Work<R> mine = new Work<>(callback);
    underState(() -> queued.add(mine));
    while (true) {
      state.lock();
      try {
        while (!mine.done && leading) {
          groupEnded.awaitUninterruptibly();
        }
        if (mine.done) {
          return mine.outcome();
        }
        leading = true;
        leader = Thread.currentThread();
      } finally {
        state.unlock();
      }
      lead(jdbi, mine);
    }
  }

  /** Runs groups until {@code mine} is done, then lets the next writer lead. */
  private void lead(Jdbi jdbi, Work<?> mine) {
    List<Work<?>> group = List.of();
    try {
      do {
        group = takeGroup();
        runGroup(jdbi, group);
        group = ended(group);
      } while (!mine.done);
    } catch (RuntimeException | Error broken) {
      // Not from a callback (those are caught per piece): the leader itself failed. Nobody waits
      // on a group that will never end.
      group.forEach(work -> work.failUnlessRan(broken));
      ended(group);
    } finally {
      underState(
          () -> {
            leading = false;
            leader = null;
            groupEnded.signalAll();
            return null;
          });
    }
  }

  private List<Work<?>> takeGroup() {
    return underState(
        () -> {
          List<Work<?>> group = new ArrayList<>(Math.min(queued.size(), MAX_GROUP));
          while (group.size() < MAX_GROUP && !queued.isEmpty()) {
            group.add(queued.poll());
          }
          return group;
        });
  }

  /** Releases the group's writers; returns an empty group. */
  private List<Work<?>> ended(List<Work<?>> group) {
    return underState(
        () -> {
          group.forEach(work -> work.done = true);
          groupEnded.signalAll();
          return List.of();
        });
  }

  /** Writes waiting for a group (their callbacks not yet run). */
  int queuedWrites() {
    return underState(queued::size);
  }

  /** Whether a writer leads a group now. */
  boolean writing() {
    return underState(() -> leading);
  }

  private <T> T underState(Supplier<T> work) {
    state.lock();
    try {
      return work.get();
    } finally {
      state.unlock();
    }
  }

  private static void runGroup(Jdbi jdbi, List<Work<?>> group) {
    if (group.size() == 1) {
      group.getFirst().runAlone(jdbi);
      return;
    }
    Object[] results = new Object[group.size()];
    boolean[] committed = {false};
    try {
      jdbi.useTransaction(
          handle -> {
            // First of the after-commit actions, so a later one that throws cannot make a
            // committed group look failed (and run its writes twice).
            handle.afterCommit(() -> committed[0] = true);
            for (int i = 0; i < results.length; i++) {
              results[i] = group.get(i).callback.withHandle(handle);
            }
          });
    } catch (RuntimeException | Error groupFailed) {
      if (!committed[0]) { // rolled back: give every piece its own transaction
        group.forEach(work -> work.runAlone(jdbi));
        return;
      }
      LOG.warn("an action after a commit failed", groupFailed);
    }
    for (int i = 0; i < results.length; i++) {
      group.get(i).succeeded(results[i]);
    }
  }

  /** One caller's write: its callback, then its result or failure once it has run. */
  private static final class Work<R> {
    final HandleCallback<R, RuntimeException> callback;
    // Written by the leader before it marks the work done under the state lock; read after.
    private Object result;
    private Throwable failure;
    private boolean ran;
    // Guarded by the state lock.
    boolean done;

    Work(HandleCallback<R, RuntimeException> callback) {
      this.callback = callback;
    }

    void runAlone(Jdbi jdbi) {
      try {
        succeeded(jdbi.inTransaction(callback));
      } catch (RuntimeException | Error e) {
        failure = e;
        ran = true;
      }
    }

    void succeeded(Object value) {
      result = value;
      ran = true;
    }

    void failUnlessRan(Throwable cause) {
      if (!ran) {
        failure = new IllegalStateException("the write was lost with the writer running it", cause);
        ran = true;
      }
    }

    @SuppressWarnings("unchecked")
    R outcome() {
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return (R) result;
    }
  }

  @Override
  public String claimLock() {
    return "";
  }

  @Override
  public void lockClaims(Handle handle) {
    // BEGIN IMMEDIATE already holds the database's only write lock.
  }

  @Override
  public OptionalLong insertEvent(Handle handle, String taskId, String kind, String data, long at) {
    Optional<Long> seq =
        handle
            .select(
                "UPDATE tasks SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq", taskId)
            .mapTo(Long.class)
            .findOne();
    if (seq.isEmpty()) {
      return OptionalLong.empty();
    }
    handle.execute(
        "INSERT INTO events(task_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
        taskId,
        seq.get(),
        kind,
        data,
        at);
    return OptionalLong.of(seq.get());
  }

  @Override
  public void notify(Handle handle, String channel, String payload) {
    // One SQLite file serves one node: in-process signals suffice.
  }

  @Override
  public void listen(String channel, Consumer<String> handler) {}

  @Override
  public void close() {}
}
