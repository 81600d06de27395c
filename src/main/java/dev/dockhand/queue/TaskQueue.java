package dev.dockhand.queue;

import dev.dockhand.ConflictException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.NotFoundException;
import dev.dockhand.agent.AgentSettings;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventKind;
import dev.dockhand.events.EventLog;
import dev.dockhand.store.Database;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * The durable queue as clients see it: submit, read, list, cancel, follow up. The owner side
 * (claim, heartbeat, finish) is {@link TaskLeases}. Every state change stores its event in the same
 * transaction and publishes it after commit. Thread-safe.
 */
public final class TaskQueue {
  static final String WAKE = "dockhand_wake";
  static final String CANCEL = "dockhand_cancel";
  static final int MAX_LIST = 200;

  private final Database database;
  private final EventLog eventLog;
  private final EventHub hub;
  private final QueueSettings settings;
  private final AgentSettings agent;
  private final int maxActivePerUser;
  private final Clock clock;
  private final TaskLeases leases;
  private final EventCaps caps;
  private final UserSpend spend;
  private final List<Runnable> wakeListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> cancelListeners = new CopyOnWriteArrayList<>();

  public TaskQueue(
      Database database,
      EventLog eventLog,
      EventHub hub,
      QueueSettings settings,
      AgentSettings agent,
      int maxActivePerUser,
      Clock clock) {
    this.database = database;
    this.eventLog = eventLog;
    this.hub = hub;
    this.settings = settings;
    this.agent = agent;
    this.maxActivePerUser = maxActivePerUser;
    this.clock = clock;
    this.leases = new TaskLeases(this);
    this.caps = new EventCaps(settings);
    this.spend = new UserSpend(database, clock, agent.ceilings());
    database.listen(WAKE, ignored -> wakeListeners.forEach(Runnable::run));
    database.listen(CANCEL, id -> cancelListeners.forEach(listener -> listener.accept(id)));
  }

  /**
   * Stores a new queued task. With an idempotency key, the same key and body return the task first
   * stored under it; the same key with another body is a {@link ConflictException}. A user with
   * {@code maxActivePerUser} tasks queued or running gets {@link ActiveLimitReachedException}.
   */
  public Task submit(NewTask task, Optional<String> idempotencyKey) {
    Submissions.validate(task, idempotencyKey);
    String requestHash = Submissions.hash(task);
    try {
      return database.write(handle -> insert(handle, task, idempotencyKey, requestHash));
    } catch (KeyTakenMeanwhile raced) {
      // Another submit with this key committed first; answer as if it had come before us.
      return database.write(handle -> insert(handle, task, idempotencyKey, requestHash));
    }
  }

  private Task insert(Handle handle, NewTask task, Optional<String> key, String requestHash) {
    // Taken before the idempotency lookup, so a repeat that raced its original finds it stored.
    database.dialect().lockUser(handle, task.userId());
    if (key.isPresent()) {
      Optional<Map<String, Object>> existing =
          handle
              .select(
                  "SELECT request_hash, task_id FROM idempotency_keys WHERE user_id = ? AND key ="
                      + " ?",
                  task.userId(),
                  key.get())
              .mapToMap()
              .findOne();
      if (existing.isPresent()) {
        if (!requestHash.equals(existing.get().get("request_hash"))) {
          throw new ConflictException(
              "Idempotency-Key " + key.get() + " was used for a different request");
        }
        return TaskRows.find(handle, (String) existing.get().get("task_id")).orElseThrow();
      }
    }
    requireRoomForActive(handle, task.userId());
    String id = TaskIds.next();
    long now = clock.millis();
    Task queued =
        handle
            .createQuery(
                """
                INSERT INTO tasks(id, user_id, status, attempt, max_attempts, repo, branch, prompt, model,
                  max_turns, budget_usd, egress_allow, created_at, updated_at, run_after, last_seq)
                VALUES (:id, :user, 'queued', 1, :maxAttempts, :repo, :branch, :prompt, :model,
                  :maxTurns, :budget, :egressAllow, :now, :now, :now, 1)
                RETURNING %s\
                """
                    .formatted(TaskRows.COLUMNS))
            .bind("id", id)
            .bind("user", task.userId())
            .bind("maxAttempts", settings.maxAttempts())
            .bind("repo", task.repo())
            .bind("branch", task.branch().orElse(null))
            .bind("prompt", task.prompt())
            .bind("model", task.model().orElse(agent.model()))
            .bind("maxTurns", task.maxTurns().orElse(agent.maxTurns()))
            .bind("budget", task.budgetUsd().orElse(agent.budgetUsd()))
            .bind("egressAllow", TaskRows.json(task.egressAllow()))
            .bind("now", now)
            .map(TaskRows.MAPPER)
            .one();
    if (key.isPresent()) {
      int stored =
          handle.execute(
              "INSERT INTO idempotency_keys(user_id, key, request_hash, task_id, created_at)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
              task.userId(),
              key.get(),
              requestHash,
              id,
              now);
      if (stored == 0) {
        throw new KeyTakenMeanwhile();
      }
    }
    // The row was stored with last_seq 1: task.queued is its first event.
    insertAndPublish(
        handle, new TaskRows.WithSeq(queued, 1), EventKind.TASK_QUEUED, Map.of("attempt", 1), now);
    return changed(handle, queued, true);
  }

  public Optional<Task> get(String id) {
    return database.jdbi().withHandle(handle -> TaskRows.find(handle, id));
  }

  /** The user's tasks, newest first. */
  public Page<Task> list(
      long userId, Optional<TaskStatus> status, int limit, Optional<String> cursor) {
    return listAcrossUsers(Optional.of(userId), status, limit, cursor);
  }

  /** Every user's tasks, or one user's when {@code userId} is given, newest first (for admins). */
  public Page<Task> listAcrossUsers(
      Optional<Long> userId, Optional<TaskStatus> status, int limit, Optional<String> cursor) {
    if (limit < 1 || limit > MAX_LIST) {
      throw new InvalidInputException("limit", "must be between 1 and " + MAX_LIST);
    }
    Optional<ListCursor> after = cursor.map(ListCursor::parse);
    List<Task> rows =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery(
                            "SELECT "
                                + TaskRows.COLUMNS
                                + " FROM tasks WHERE 1 = 1"
                                + (userId.isPresent() ? " AND user_id = :user" : "")
                                + (status.isPresent() ? " AND status = :status" : "")
                                + (after.isPresent()
                                    ? " AND (created_at < :at OR (created_at = :at AND id < :id))"
                                    : "")
                                + " ORDER BY created_at DESC, id DESC LIMIT :limit")
                        .bind("user", userId.orElse(0L))
                        .bind("status", status.map(TaskStatus::wire).orElse(null))
                        .bind("at", after.map(ListCursor::createdAt).orElse(0L))
                        .bind("id", after.map(ListCursor::id).orElse(""))
                        .bind("limit", limit + 1)
                        .map(TaskRows.MAPPER)
                        .list());
    if (rows.size() <= limit) {
      return new Page<>(rows, Optional.empty());
    }
    Task last = rows.get(limit - 1);
    return new Page<>(
        rows.subList(0, limit),
        Optional.of(new ListCursor(last.createdAt().toEpochMilli(), last.id()).encode()));
  }

  /**
   * Cancels a task: a queued one at once, a running one by raising its flag, which its owner sees
   * at once on this node or through NOTIFY, and at its next heartbeat at the latest. Finished tasks
   * stay as they are.
   */
  public void cancel(String id) {
    database.write(
        handle -> {
          Task task =
              TaskRows.find(handle, id).orElseThrow(() -> new NotFoundException("task", id));
          long now = clock.millis();
          if (task.status() == TaskStatus.QUEUED) {
            handle.execute(
                "UPDATE tasks SET status = 'cancelled', finished_at = ?, updated_at = ?,"
                    + " error_code = 'cancelled', error_message = 'cancelled by the user'"
                    + " WHERE id = ? AND status = 'queued'",
                now,
                now,
                id);
            appendAndPublish(
                handle,
                id,
                EventKind.TASK_CANCELLED,
                finishData(task, "cancelled by the user"),
                now);
            changed(handle, id, false);
          } else if (task.status() == TaskStatus.RUNNING) {
            handle.execute("UPDATE tasks SET cancel_requested = 1 WHERE id = ?", id);
            database.notify(handle, CANCEL, id);
            handle.afterCommit(() -> cancelListeners.forEach(listener -> listener.accept(id)));
          }
          return null;
        });
  }

  /**
   * Adds a follow-up. A running attempt picks it up through {@link TaskContext#takeMessages()}; a
   * finished task is resumed as a new attempt that always gets to run. A task that has taken
   * DOCKHAND_MAX_MESSAGES_PER_TASK follow-ups refuses more with a {@link ConflictException}.
   */
  public void postMessage(String id, String content) {
    postMessage(id, content, Optional.empty());
  }

  /**
   * Like {@link #postMessage(String, String)}, but a repeat under the same idempotency key (a
   * client retrying after a lost answer) is stored once; the same key with other content is a
   * {@link ConflictException}.
   */
  public void postMessage(String id, String content, Optional<String> idempotencyKey) {
    if (content == null || content.isBlank()) {
      throw new InvalidInputException("content", "must not be empty");
    }
    database.write(
        handle -> {
          long now = clock.millis();
          long userId =
              TaskRows.find(handle, id).orElseThrow(() -> new NotFoundException("task", id)).userId();
          database.dialect().lockUser(handle, userId);
          if (idempotencyKey.isPresent()
              && !MessageKeys.claim(handle, id, idempotencyKey.get(), Submissions.hash(content), now)) {
            return null;
          }
          caps.checkRoomForFollowUp(
              handle, id, content.getBytes(StandardCharsets.UTF_8).length);
          FollowUps.count(handle, id, agent.ceilings().maxMessagesPerTask());
          // The append locks the task row first, so the status read next cannot change under us.
          appendAndPublish(handle, id, EventKind.MESSAGE_USER, Map.of("content", content), now);
          Task task = TaskRows.find(handle, id).orElseThrow();
          if (task.status().terminal()) {
            requireRoomForActive(handle, userId);
            resume(handle, task, now);
          }
          return null;
        });
  }

  /** Refuses one more queued task to a user at the limit; the caller holds the user's lock. */
  private void requireRoomForActive(Handle handle, long userId) {
    if (activeCount(handle, userId) >= maxActivePerUser) {
      throw new ActiveLimitReachedException(userId, maxActivePerUser);
    }
  }

  /** Resumes a finished task that has follow-ups its last attempt never took. */
  void resumeIfFinished(String id) {
    database.write(
        handle -> {
          Task task = TaskRows.find(handle, id).orElseThrow();
          if (task.status().terminal()) {
            resume(handle, task, clock.millis());
          }
          return null;
        });
  }

  private void resume(Handle handle, Task task, long now) {
    int attempt = task.attempt() + 1;
    handle.execute(
        "UPDATE tasks SET status = 'queued', attempt = ?, max_attempts = ?, run_after = ?,"
            + " updated_at = ?, finished_at = NULL, error_code = NULL, error_message = NULL,"
            + " cancel_requested = 0 WHERE id = ?",
        attempt,
        Math.max(task.maxAttempts(), attempt - 1 + settings.maxAttempts()),
        now,
        now,
        task.id());
    appendAndPublish(handle, task.id(), EventKind.TASK_QUEUED, Map.of("attempt", attempt), now);
    changed(handle, task.id(), true);
  }

  /** Queued plus running tasks of the user. */
  public long activeCount(long userId) {
    return database.jdbi().withHandle(handle -> activeCount(handle, userId));
  }

  private static long activeCount(Handle handle, long userId) {
    return handle
        .select(
            "SELECT COUNT(*) FROM tasks WHERE user_id = ? AND status IN ('queued', 'running')",
            userId)
        .mapTo(Long.class)
        .one();
  }

  /** The ledger of what each person has spent on the model, with their limits. */
  public UserSpend spend() {
    return spend;
  }

  public Map<TaskStatus, Long> countByStatus() {
    Map<TaskStatus, Long> counts = new EnumMap<>(TaskStatus.class);
    for (TaskStatus status : TaskStatus.values()) {
      counts.put(status, 0L);
    }
    database
        .jdbi()
        .useHandle(
            handle ->
                handle
                    .select("SELECT status, COUNT(*) AS n FROM tasks GROUP BY status")
                    .map((rs, ctx) -> Map.entry(rs.getString("status"), rs.getLong("n")))
                    .forEach(
                        row ->
                            counts.put(
                                TaskStatus.valueOf(row.getKey().toUpperCase()), row.getValue())));
    return counts;
  }

  public void saveDiff(String taskId, String diff) {
    int updated =
        database.write(
            handle -> handle.execute("UPDATE tasks SET diff = ? WHERE id = ?", diff, taskId));
    if (updated == 0) {
      throw new NotFoundException("task", taskId);
    }
  }

  public Optional<String> diff(String taskId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .select("SELECT diff FROM tasks WHERE id = ?", taskId)
                    .mapTo(String.class)
                    .findOne()
                    .flatMap(Optional::ofNullable));
  }

  // --- shared with TaskLeases and the Dispatcher ---

  /** Stores and publishes an event whose seq the caller took in its own UPDATE of the task. */
  void insertAndPublish(Handle handle, TaskRows.WithSeq row, EventKind kind, Object data, long at) {
    hub.publishOnCommit(
        handle,
        eventLog.insertTaken(
            handle, row.task().id(), row.lastSeq(), kind, data, Instant.ofEpochMilli(at)));
  }

  void appendAndPublish(Handle handle, String taskId, EventKind kind, Object data, long at) {
    hub.publishOnCommit(
        handle, eventLog.append(handle, taskId, kind, data, Instant.ofEpochMilli(at)));
  }

  /** Publishes the task's new row after commit; {@code runnable} also wakes dispatchers. */
  Task changed(Handle handle, String taskId, boolean runnable) {
    return changed(handle, TaskRows.find(handle, taskId).orElseThrow(), runnable);
  }

  /** As above, for a caller that holds the row as it now is. */
  Task changed(Handle handle, Task task, boolean runnable) {
    hub.taskChangedOnCommit(handle, task);
    if (runnable) {
      database.notify(handle, WAKE, "");
      handle.afterCommit(() -> wakeListeners.forEach(Runnable::run));
    }
    return task;
  }

  static Map<String, Object> finishData(Task task, String reason) {
    return reason == null
        ? Map.of("usage", task.usage(), "timings", task.timings())
        : Map.of("reason", reason, "usage", task.usage(), "timings", task.timings());
  }

  void onRunnable(Runnable listener) {
    wakeListeners.add(listener);
  }

  void onCancelRequested(Consumer<String> listener) {
    cancelListeners.add(listener);
  }

  TaskLeases leases() {
    return leases;
  }

  Database database() {
    return database;
  }

  EventLog eventLog() {
    return eventLog;
  }

  EventHub hub() {
    return hub;
  }

  QueueSettings settings() {
    return settings;
  }

  Clock clock() {
    return clock;
  }

  /** Rolls back a submit that lost the race for its idempotency key. */
  private static final class KeyTakenMeanwhile extends RuntimeException {
    KeyTakenMeanwhile() {
      super(null, null, false, false);
    }
  }
}
