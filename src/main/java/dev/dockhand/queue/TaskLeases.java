package dev.dockhand.queue;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventData;
import dev.dockhand.events.EventKind;
import dev.dockhand.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * The owner side of the queue: claim, heartbeat, append, finish, retry, hand back, and the rescue
 * of tasks whose owner stopped heartbeating. Every write after the claim is guarded by the lease
 * (owner and attempt): a stale owner gets {@link LeaseLostException} and changes nothing.
 * Thread-safe.
 */
public final class TaskLeases {
  static final String GUARD =
      " WHERE id = :id AND status = 'running' AND lease_owner = :owner AND attempt = :attempt";

  private final TaskQueue queue;
  private final Database database;
  private final Backoff backoff;
  private final String rankedClaim;
  private final String claimWithinLimits;
  private final EventCaps caps;

  TaskLeases(TaskQueue queue) {
    this.queue = queue;
    this.database = queue.database();
    QueueSettings settings = queue.settings();
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap());
    this.rankedClaim = ClaimSql.ranked(database.dialect());
    this.claimWithinLimits = ClaimSql.withinLimits(database.dialect());
    this.caps = new EventCaps(settings);
  }

  /**
   * Claims up to {@code max} of the oldest runnable tasks within the global and per-user limits and
   * starts an attempt of each. Claims are serialised across nodes, so the limits hold exactly.
   */
  public List<Task> claim(String owner, int max) {
    QueueSettings settings = queue.settings();
    int head = Math.max(64, max * 4);
    // A read, so an idle node does not take the write lock to find nothing.
    int runnable =
        database.jdbi().withHandle(handle -> runnable(handle, queue.clock().millis(), head + 1));
    if (runnable == 0) {
      return List.of();
    }
    return database.write(
        handle -> {
          database.dialect().lockClaims(handle);
          long now = queue.clock().millis();
          long[] running = running(handle); // all, and those of the busiest user
          int limit = (int) Math.min(max, settings.maxConcurrentTasks() - running[0]);
          if (limit <= 0) {
            return List.of();
          }
          List<TaskRows.WithSeq> claimed =
              running[1] + limit <= settings.maxTasksPerUser()
                  ? claim(handle, claimWithinLimits, owner, now, limit, head)
                  : claimRanked(handle, owner, now, limit, head, runnable > head);
          List<Task> tasks = new ArrayList<>();
          for (TaskRows.WithSeq row : claimed) {
            Map<String, Object> data = Map.of("attempt", row.task().attempt());
            queue.insertAndPublish(handle, row, EventKind.TASK_STARTED, data, now);
            tasks.add(queue.changed(handle, row.task(), false));
          }
          tasks.sort(Comparator.comparing(Task::runAfter).thenComparing(Task::createdAt));
          return tasks;
        });
  }

  /**
   * A claim that ranks each user's tasks against the per-user limit. It looks at the head of the
   * queue only; when the queue was longer than the head and the claim came up short while runnable
   * tasks of users below their limit remain, it looks again in the same transaction. (Tasks
   * submitted since the count was read wake the dispatchers again.)
   */
  private List<TaskRows.WithSeq> claimRanked(
      Handle handle, String owner, long now, int limit, int head, boolean longerThanHead) {
    List<TaskRows.WithSeq> claimed = new ArrayList<>();
    List<TaskRows.WithSeq> batch;
    do {
      batch = claim(handle, rankedClaim, owner, now, limit - claimed.size(), head);
      claimed.addAll(batch);
    } while (claimed.size() < limit
        && !batch.isEmpty()
        && longerThanHead
        && moreRunnable(handle, now));
    return claimed;
  }

  /** The number of running tasks, and that of the user with the most. */
  private static long[] running(Handle handle) {
    return handle
        .select(
            "SELECT COALESCE(SUM(n), 0), COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n"
                + " FROM tasks WHERE status = 'running' GROUP BY user_id) busy")
        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)})
        .one();
  }

  private List<TaskRows.WithSeq> claim(
      Handle handle, String sql, String owner, long now, int limit, int head) {
    QueueSettings settings = queue.settings();
    return handle
        .createQuery(sql)
        .bind("owner", owner)
        .bind("now", now)
        .bind("until", now + settings.lease().toMillis())
        .bind("perUser", settings.maxTasksPerUser())
        .bind("limit", limit)
        .bind("head", head)
        .map(TaskRows.WITH_SEQ)
        .list();
  }

  /** How many tasks are runnable now, counting no further than {@code cap}. */
  private static int runnable(Handle handle, long now, int cap) {
    return handle
        .select(
            "SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE status = 'queued' AND run_after <= ?"
                + " LIMIT ?) head",
            now,
            cap)
        .mapTo(Integer.class)
        .one();
  }

  private boolean moreRunnable(Handle handle, long now) {
    return handle
        .createQuery(
            "SELECT 1 FROM tasks WHERE status = 'queued' AND run_after <= :now AND user_id NOT IN"
                + " (SELECT user_id FROM tasks WHERE status = 'running' GROUP BY user_id"
                + " HAVING COUNT(*) >= :perUser) LIMIT 1")
        .bind("now", now)
        .bind("perUser", queue.settings().maxTasksPerUser())
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }

  /** Extends the lease and records usage so far; true when the task's cancel was requested. */
  public boolean heartbeat(Lease lease, Usage usage) {
    long now = queue.clock().millis();
    return database.write(
        handle ->
            handle
                .createQuery(
                    "UPDATE tasks SET lease_expires_at = :until, usage_json = :usage"
                        + GUARD
                        + " RETURNING cancel_requested")
                .bind("until", now + queue.settings().lease().toMillis())
                .bind("usage", TaskRows.json(usage))
                .bindMap(guard(lease))
                .mapTo(Integer.class)
                .findOne()
                .map(flag -> flag != 0)
                .orElseThrow(() -> lost(lease)));
  }

  /**
   * Stores an event of the running attempt, then publishes it; refused with {@link
   * EventLimitException} once the task's log is full (see {@link EventCaps}).
   */
  public Event append(Lease lease, EventKind kind, Object data) {
    EventData encoded = EventData.of(kind, data); // measured before the write lock is taken
    return database.write(
        handle -> {
          long seq = caps.takeSeq(handle, lease, kind, encoded.bytes());
          Instant at = queue.clock().instant();
          Event event =
              queue.eventLog().insertTaken(handle, lease.taskId(), seq, kind, encoded, at);
          queue.hub().publishOnCommit(handle, event);
          return event;
        });
  }

  public Task complete(Lease lease, TaskResult result, Usage usage, Map<String, Long> timings) {
    return database.write(
        handle -> {
          Task task = lock(handle, lease);
          return finish(handle, task, TaskStatus.SUCCEEDED, null, null, usage, timings, result);
        });
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
        handle -> {
          Task task = lock(handle, lease);
          return finish(handle, task, TaskStatus.FAILED, code, reason, usage, timings, kept);
        });
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
    return rescue("lease_expires_at < :now", "its node stopped heartbeating (lease expired)", null);
  }

  /** On start: this node's own running tasks are orphans of its previous life. */
  public int rescueOwnedBy(String owner) {
    return rescue("lease_owner = :owner", "its node restarted", owner);
  }

  private int rescue(String condition, String reason, String owner) {
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
                  .bind("now", queue.clock().millis())
                  .bind("owner", owner)
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
      return finish(handle, task, TaskStatus.FAILED, code, spent, usage, timings);
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
    long now = queue.clock().millis();
    TaskRows.WithSeq queued =
        handle
            .createQuery(
                "UPDATE tasks SET status = 'queued', attempt = :next, run_after = :runAfter,"
                    + " updated_at = :now, lease_owner = NULL, lease_expires_at = NULL,"
                    + " usage_json = :usage, timings_json = :timings, last_seq = last_seq + 1"
                    + GUARD
                    + " RETURNING "
                    + TaskRows.COLUMNS_WITH_SEQ)
            .bind("next", attempt)
            .bind("runAfter", now + delay)
            .bind("now", now)
            .bind("usage", TaskRows.json(usage))
            .bind("timings", TaskRows.json(timings))
            .bindMap(guard(Lease.of(task)))
            .map(TaskRows.WITH_SEQ)
            .one();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("attempt", attempt);
    data.put("reason", reason);
    data.put("runAfter", Instant.ofEpochMilli(now + delay));
    queue.insertAndPublish(handle, queued, EventKind.TASK_RETRYING, data, now);
    return queue.changed(handle, queued.task(), true);
  }

  private Task cancelled(Handle handle, Task task, Usage usage, Map<String, Long> timings) {
    return finish(
        handle, task, TaskStatus.CANCELLED, "cancelled", "cancelled by the user", usage, timings);
  }

  private Task finish(
      Handle handle,
      Task task,
      TaskStatus status,
      String code,
      String reason,
      Usage usage,
      Map<String, Long> timings) {
    return finish(handle, task, status, code, reason, usage, timings, TaskResult.NOTHING);
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
    long now = queue.clock().millis();
    Map<String, Long> allTimings = new HashMap<>(timings);
    allTimings.put("total", now - task.createdAt().toEpochMilli());
    TaskRows.WithSeq finished =
        handle
            .createQuery(
                "UPDATE tasks SET status = :status, finished_at = :now, updated_at = :now,"
                    + " last_seq = last_seq + 1,"
                    + " lease_owner = NULL, lease_expires_at = NULL, cancel_requested = 0,"
                    + " usage_json = :usage, timings_json = :timings,"
                    + " error_code = :code, error_message = :reason,"
                    + " head_branch = COALESCE(:head, head_branch),"
                    + " base_commit = COALESCE(:base, base_commit),"
                    + " commit_sha = COALESCE(:commit, commit_sha), pr_url = COALESCE(:pr, pr_url)"
                    + GUARD
                    + " RETURNING "
                    + TaskRows.COLUMNS_WITH_SEQ)
            .bind("head", result.headBranch().orElse(null))
            .bind("base", result.baseCommit().orElse(null))
            .bind("commit", result.commit().orElse(null))
            .bind("pr", result.prUrl().orElse(null))
            .bind("status", status.wire())
            .bind("now", now)
            .bind("usage", TaskRows.json(usage))
            .bind("timings", TaskRows.json(allTimings))
            .bind("code", code)
            .bind("reason", reason)
            .bindMap(guard(Lease.of(task)))
            .map(TaskRows.WITH_SEQ)
            .findOne()
            .orElseThrow(() -> lost(Lease.of(task)));
    Map<String, Object> data = new LinkedHashMap<>();
    if (reason != null) {
      data.put("reason", reason);
      data.put("code", code);
    }
    data.put("usage", usage);
    data.put("timings", allTimings);
    EventKind kind =
        switch (status) {
          case SUCCEEDED -> EventKind.TASK_SUCCEEDED;
          case FAILED -> EventKind.TASK_FAILED;
          case CANCELLED -> EventKind.TASK_CANCELLED;
          case QUEUED, RUNNING -> throw new IllegalArgumentException("not final: " + status);
        };
    queue.insertAndPublish(handle, finished, kind, data, now);
    // A finished task frees a slot under the limits: wake the dispatchers.
    return queue.changed(handle, finished.task(), true);
  }

  /**
   * Checks the lease and locks the task row for the rest of the transaction (a no-op UPDATE takes
   * the row lock on PostgreSQL), then reads the row as it now is.
   */
  private Task lock(Handle handle, Lease lease) {
    return handle
        .createQuery(
            "UPDATE tasks SET lease_owner = lease_owner" + GUARD + " RETURNING " + TaskRows.COLUMNS)
        .bindMap(guard(lease))
        .map(TaskRows.MAPPER)
        .findOne()
        .orElseThrow(() -> lost(lease));
  }

  private static boolean cancelRequested(Handle handle, Task task) {
    return handle
            .select("SELECT cancel_requested FROM tasks WHERE id = ?", task.id())
            .mapTo(Integer.class)
            .one()
        != 0;
  }

  static Map<String, Object> guard(Lease lease) {
    return Map.of("id", lease.taskId(), "owner", lease.owner(), "attempt", lease.attempt());
  }

  static LeaseLostException lost(Lease lease) {
    return new LeaseLostException(lease.taskId(), lease.owner(), lease.attempt());
  }
}
