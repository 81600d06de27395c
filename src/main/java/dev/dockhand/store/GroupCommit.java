package dev.dockhand.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * Group commit for one SQLite file. A writer queues its work; if no writer leads, it leads: it
 * takes every queued piece of work (at most {@link #MAX_GROUP}) and runs them in one transaction
 * with one commit (one fsync), and goes on leading until its own work is done. Writers that arrive
 * while a commit is on its way to disk wait for the next group; when a group ends, its writers are
 * released at once and a writer with work still queued takes the lead. A caller returns only once
 * its work is committed, or has failed, with the outcome it would have had alone (see {@link
 * CommitGroup} for how a group keeps its writers apart). Thread-safe.
 */
final class GroupCommit {
  /** At most this many writers share one commit. */
  static final int MAX_GROUP = 64;

  private final ReentrantLock state = new ReentrantLock();
  private final Condition groupEnded = state.newCondition();
  // Guarded by the state lock.
  private final Queue<Work<?>> queued = new ArrayDeque<>();
  private boolean leading;
  private volatile Thread leader;

  /** {@code jdbi} must be one made by {@link PieceHandles#jdbi()}. */
  <R> R write(Jdbi jdbi, HandleCallback<R, RuntimeException> callback) {
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
        new CommitGroup(jdbi, group).run();
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

  private <T> T underState(Supplier<T> work) {
    state.lock();
    try {
      return work.get();
    } finally {
      state.unlock();
    }
  }

  /** One caller's write: its callback, then its result or failure once it has run. */
  static final class Work<R> {
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
        failed(e);
      }
    }

    void succeeded(Object value) {
      result = value;
      ran = true;
    }

    void failed(Throwable cause) {
      failure = cause;
      ran = true;
    }

    void failUnlessRan(Throwable cause) {
      if (!ran) {
        failed(new IllegalStateException("the write was lost with the writer running it", cause));
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
}
