package dev.dockhand.queue;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventData;
import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * The owner side of the queue: claim, heartbeat, append, finish, retry, hand back, and the rescue
 * of tasks whose owner stopped heartbeating. Every write after the claim is guarded by the lease
 * (owner and attempt): a stale owner gets {@link LeaseLostException} and changes nothing. Status
 * changes go through {@link TaskTransitions}. A lease's expiry and a retry's {@code run_after} are
 * set and judged by the database's clock ({@link DbClock}), so nodes whose clocks disagree neither
 * steal a live lease nor keep a dead one, and a retry waits out its backoff on any node; every
 * other timestamp is the node's. Thread-safe.
 */
public final class TaskLeases {
  private final Database database;
  private final TaskTransitions transitions;
  private final QueueSettings settings;
  private final Clock clock;
  private final DbClock dbClock;
  private final Claims claims;
  private final Backoff backoff;
  private final EventCaps caps;

  TaskLeases(
      Database database,
      TaskTransitions transitions,
      QueueSettings settings,
      Clock clock,
      DbClock dbClock) {
    this.database = database;
    this.transitions = transitions;
    this.settings = settings;
    this.clock = clock;
    this.dbClock = dbClock;
    this.claims = new Claims(database, transitions, settings, dbClock);
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    this.caps = new EventCaps(settings);
  }

  /**
   * Claims up to {@code max} of the oldest runnable tasks within the global and per-user limits and
   * starts an attempt of each. Claims are serialised across nodes, so the limits hold exactly.
   */
  public List<Task> claim(String owner, int max) {
    return claims.claim(owner, max);
  }

  /** Extends the lease and records usage so far; true when the task's cancel was requested. */
  public boolean heartbeat(Lease lease, Usage usage) {
    return database.write(
        handle ->
            handle
                .createQuery(
                    "UPDATE tasks SET lease_expires_at = :until, usage_json = :usage"
                        + Lease.GUARD
                        + " RETURNING cancel_requested")
                .bind("until", dbClock.millis(handle) + settings.lease().toMillis())
                .bind("usage", TaskRows.json(usage))
                .bindMap(lease.guard())
                .mapTo(Integer.class)
                .findOne()
                .map(flag -> flag != 0)
                .orElseThrow(lease::lost));
  }

  /**
   * Stores an event of the running attempt, then publishes it; refused with {@link
   * EventLimitException} once the task's log is full (see {@link EventCaps}). A {@code
   * checks.finished} event also becomes the task's last checks result, in the same transaction.
   */
  public Event append(Lease lease, EventPayload payload) {
    EventData encoded = EventData.of(payload); // measured before the write lock is taken
    return database.write(
        handle -> {
          long seq = caps.takeSeq(handle, lease, encoded.kind(), encoded.bytes());
          if (payload instanceof EventPayload.ChecksFinished checks) {
            handle.execute(
                "UPDATE tasks SET checks_json = ? WHERE id = ?",
                TaskRows.json(checks),
                lease.taskId());
          }
          return transitions.storeEvent(handle, lease.taskId(), seq, encoded);
        });
  }

  public Task complete(Lease lease, TaskResult result, Usage usage, Map<String, Long> timings) {
    return database.write(
        handle ->
            finish(
                handle,
                lock(handle, lease),
                TaskStatus.SUCCEEDED,
                null,
                null,
                usage,
                timings,
                result));
  }

  /**
   * As {@link #complete(Lease, TaskResult, Usage, Map)}, for the owner holding the task as it
   * claimed it: the finishing UPDATE is itself the lease check (and on PostgreSQL takes the row
   * lock), so there is no need to lock and read the row first.
   */
  Task complete(Task claimed, TaskResult result, Usage usage, Map<String, Long> timings) {
    return database.write(
        handle ->
            finish(handle, claimed, TaskStatus.SUCCEEDED, null, null, usage, timings, result));
  }

  public Task fail(
      Lease lease, String code, String reason, Usage usage, Map<String, Long> timings) {
    return fail(lease, code, reason, usage, timings, TaskResult.NOTHING);
  }

  /** A failure that still records what the attempt kept (its pushed branch and commit). */
  public Task fail(
      Lease lease,
      String code,
      String reason,
      Usage usage,
      Map<String, Long> timings,
      TaskResult kept) {
    return database.write(
        handle ->
            finish(
                handle,
                lock(handle, lease),
                TaskStatus.FAILED,
                code,
                reason,
                usage,
                timings,
                kept));
  }

  public Task cancelled(Lease lease, Usage usage, Map<String, Long> timings) {
    return database.write(handle -> cancelled(handle, lock(handle, lease), usage, timings));
  }

  /**
   * A retryable failure: back to the queue as the next attempt after a backoff, or failed once
   * attempts are spent (cancelled if a cancel arrived meanwhile).
   */
  public Task retry(
      Lease lease, String code, String reason, Usage usage, Map<String, Long> timings) {
    return database.write(
        handle -> retry(handle, lock(handle, lease), code, reason, usage, timings));
  }

  /** Shutdown: back to the queue at once, no attempt spent. */
  public Task handBack(Lease lease, Usage usage, Map<String, Long> timings) {
    return database.write(
        handle -> {
          Task task = lock(handle, lease);
          if (cancelRequested(handle, task)) {
            return cancelled(handle, task, usage, timings);
          }
          return requeue(handle, task, task.attempt(), 0, "node shutting down", usage, timings);
        });
  }

  /** Puts back (or fails) every running task whose lease expired: the crash recovery. */
  public int rescueExpired() {
    return rescue(
        "lease_expires_at < :now",
        handle -> Map.of("now", dbClock.millis(handle)),
        "its node stopped heartbeating (lease expired)");
  }

  /** On start: this node's own running tasks are orphans of its previous life. */
  public int rescueOwnedBy(String owner) {
    return rescue("lease_owner = :owner", handle -> Map.of("owner", owner), "its node restarted");
  }

  private int rescue(String condition, Function<Handle, Map<String, Object>> binds, String reason) {
    return database.write(
        handle -> {
          List<Task> orphans =
              handle
                  .createQuery(
                      "SELECT "
                          + TaskRows.COLUMNS
                          + " FROM tasks WHERE status = 'running' AND "
                          + condition
                          + " "
                          + database.dialect().claimLock())
                  .bindMap(binds.apply(handle))
                  .map(TaskRows.MAPPER)
                  .list();
          for (Task orphan : orphans) {
            Task task = lock(handle, Lease.of(orphan));
            if (cancelRequested(handle, task)) {
              cancelled(handle, task, task.usage(), task.timings());
            } else {
              String why = "attempt " + task.attempt() + " stopped: " + reason;
              retry(handle, task, "lease_expired", why, task.usage(), task.timings());
            }
          }
          return orphans.size();
        });
  }

  private Task retry(
      Handle handle,
      Task task,
      String code,
      String reason,
      Usage usage,
      Map<String, Long> timings) {
    if (cancelRequested(handle, task)) {
      return cancelled(handle, task, usage, timings);
    }
    if (task.attempt() >= task.maxAttempts()) {
      String spent = reason + " (gave up after " + task.attempt() + " attempts)";
      return finish(
          handle, task, TaskStatus.FAILED, code, spent, usage, timings, TaskResult.NOTHING);
    }
    long delay = backoff.after(task.attempt()).toMillis();
    return requeue(handle, task, task.attempt() + 1, delay, reason, usage, timings);
  }

  private Task requeue(
      Handle handle,
      Task task,
      int attempt,
      long delay,
      String reason,
      Usage usage,
      Map<String, Long> timings) {
    long runAfter = dbClock.millis(handle) + delay;
    return transitions.applyLeased(
        handle, task, TaskMoves.requeued(attempt, runAfter, reason, usage, timings));
  }

  private Task cancelled(Handle handle, Task task, Usage usage, Map<String, Long> timings) {
    return transitions.applyLeased(
        handle, task, TaskMoves.cancelled(task, usage, timings, clock.millis()));
  }

  private Task finish(
      Handle handle,
      Task task,
      TaskStatus status,
      String code,
      String reason,
      Usage usage,
      Map<String, Long> timings,
      TaskResult result) {
    return transitions.applyLeased(
        handle,
        task,
        TaskMoves.finished(task, status, code, reason, usage, timings, result, clock.millis()));
  }

  /**
   * Checks the lease and locks the task row for the rest of the transaction (a no-op UPDATE takes
   * the row lock on PostgreSQL), then reads the row as it now is.
   */
  private static Task lock(Handle handle, Lease lease) {
    return handle
        .createQuery(
            "UPDATE tasks SET lease_owner = lease_owner"
                + Lease.GUARD
                + " RETURNING "
                + TaskRows.COLUMNS)
        .bindMap(lease.guard())
        .map(TaskRows.MAPPER)
        .findOne()
        .orElseThrow(lease::lost);
  }

  private static boolean cancelRequested(Handle handle, Task task) {
    return handle
            .select("SELECT cancel_requested FROM tasks WHERE id = ?", task.id())
            .mapTo(Integer.class)
            .one()
        != 0;
  }
}
