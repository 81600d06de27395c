package dev.dockhand.queue;

import dev.dockhand.ConflictException;
import dev.dockhand.InvalidInputException;
import dev.dockhand.NotFoundException;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.events.EventPayload;
import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * The durable queue as clients see it: submit, read, list, cancel, follow up. The owner side
 * (claim, heartbeat, finish) is {@link TaskLeases}; both change a task's status only through {@link
 * TaskTransitions}, which stores each change's event in the same transaction and publishes it after
 * commit. Thread-safe.
 */
public final class TaskQueue {
  static final String CANCEL = "dockhand_cancel";

  private final Database database;
  private final EventLog eventLog;
  private final EventHub hub;
  private final TaskHub taskHub;
  private final QueueSettings settings;
  private final SubmitRules rules;
  private final Clock clock;
  private final DbClock dbClock;
  private final TaskTransitions transitions;
  private final TaskLeases leases;
  private final Submissions submissions;
  private final ActiveTasks active;
  private final TaskLists lists;
  private final EventCaps caps;
  private final UserSpend spend;
  private final List<Consumer<String>> cancelListeners = new CopyOnWriteArrayList<>();

  public TaskQueue(
      Database database,
      EventLog eventLog,
      EventHub hub,
      QueueSettings settings,
      SubmitRules rules,
      Clock clock) {
    this(database, eventLog, hub, settings, rules, clock, DbClock.of(database));
  }

  /**
   * As above, with leases and {@code run_after} judged by {@code dbClock} instead of the database's
   * clock.
   */
  TaskQueue(
      Database database,
      EventLog eventLog,
      EventHub hub,
      QueueSettings settings,
      SubmitRules rules,
      Clock clock,
      DbClock dbClock) {
    this.database = database;
    this.eventLog = eventLog;
    this.hub = hub;
    this.taskHub = new TaskHub(database);
    this.settings = settings;
    this.rules = rules;
    this.clock = clock;
    this.dbClock = dbClock;
    this.transitions = new TaskTransitions(database, eventLog, hub, taskHub, clock);
    this.leases = new TaskLeases(database, transitions, settings, clock, dbClock);
    this.active = new ActiveTasks(database, rules.maxActivePerUser());
    this.submissions = new Submissions(transitions, settings, rules, active, dbClock);
    this.lists = new TaskLists(database);
    this.caps = new EventCaps(settings);
    this.spend = new UserSpend(database, clock, rules);
    database.listen(CANCEL, id -> cancelListeners.forEach(listener -> listener.accept(id)));
  }

  /**
   * Stores a new queued task. With an idempotency key, the same key and body return the task first
   * stored under it; the same key with another body is a {@link ConflictException}. A person with
   * DOCKHAND_MAX_ACTIVE_TASKS_PER_USER tasks queued or running gets {@link
   * ActiveLimitReachedException}.
   */
  public Task submit(NewTask task, Optional<String> idempotencyKey) {
    Submissions.validate(task, idempotencyKey);
    try {
      return database.write(
          handle -> submissions.insert(handle, task, idempotencyKey, clock.millis()));
    } catch (Submissions.KeyTakenMeanwhile raced) {
      // Another submit with this key committed first; answer as if it had come before us.
      return database.write(
          handle -> submissions.insert(handle, task, idempotencyKey, clock.millis()));
    }
  }

  public Optional<Task> get(String id) {
    return database.jdbi().withHandle(handle -> TaskRows.find(handle, id));
  }

  /** The user's tasks, newest first. */
  public Page<Task> list(
      long userId, Optional<TaskStatus> status, int limit, Optional<String> cursor) {
    return lists.list(Optional.of(userId), status, limit, cursor);
  }

  /** Every user's tasks, or one user's when {@code userId} is given, newest first (for admins). */
  public Page<Task> listAcrossUsers(
      Optional<Long> userId, Optional<TaskStatus> status, int limit, Optional<String> cursor) {
    return lists.list(userId, status, limit, cursor);
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
          if (task.status() == TaskStatus.QUEUED) {
            Optional<Task> cancelled =
                transitions.apply(
                    handle,
                    task,
                    TaskMoves.cancelled(task, task.usage(), task.timings(), clock.millis()));
            if (cancelled.isPresent()) {
              return null;
            }
            // Claimed meanwhile: cancel it as a running task.
            task = TaskRows.find(handle, id).orElseThrow();
          }
          if (task.status() == TaskStatus.RUNNING) {
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
              TaskRows.find(handle, id)
                  .orElseThrow(() -> new NotFoundException("task", id))
                  .userId();
          active.lockUser(handle, userId);
          if (idempotencyKey.isPresent()
              && !MessageKeys.claim(
                  handle, id, idempotencyKey.get(), Submissions.hash(content), now)) {
            return null;
          }
          caps.checkRoomForFollowUp(handle, id, content.getBytes(StandardCharsets.UTF_8).length);
          FollowUps.count(handle, id, rules.maxMessagesPerTask());
          // The append locks the task row first, so the status read next cannot change under us.
          transitions.appendEvent(handle, id, new EventPayload.UserMessage(content));
          Task task = TaskRows.find(handle, id).orElseThrow();
          if (task.status().terminal()) {
            active.requireRoom(handle, userId);
            resume(handle, task);
          }
          return null;
        });
  }

  /**
   * Resumes a task that {@code attempt} finished with follow-ups it never took, unless a later
   * attempt (a resume by the follow-up itself) came meanwhile.
   */
  void resumeIfFinished(String id, int attempt) {
    database.write(
        handle -> {
          Task task = TaskRows.find(handle, id).orElseThrow();
          if (task.status().terminal() && task.attempt() == attempt) {
            resume(handle, task);
          }
          return null;
        });
  }

  private void resume(Handle handle, Task task) {
    // Empty when another writer resumed it first: then there is nothing left to do.
    transitions.apply(
        handle, task, TaskMoves.resumed(task, settings.maxAttempts(), dbClock.millis(handle)));
  }

  /** Queued plus running tasks of the user. */
  public long activeCount(long userId) {
    return active.count(userId);
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

  void onRunnable(Runnable listener) {
    transitions.onRunnable(listener);
  }

  void onCancelRequested(Consumer<String> listener) {
    cancelListeners.add(listener);
  }

  /** Every status change of a user's tasks (the {@code tasks} topic), from every node. */
  public TaskHub taskHub() {
    return taskHub;
  }

  TaskLeases leases() {
    return leases;
  }

  Clock clock() {
    return clock;
  }

  /** For the running attempts: the log their follow-ups are read from, the hub for live text. */
  EventLog eventLog() {
    return eventLog;
  }

  EventHub hub() {
    return hub;
  }
}
