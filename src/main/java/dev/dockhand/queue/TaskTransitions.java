package dev.dockhand.queue;

import dev.dockhand.events.Event;
import dev.dockhand.events.EventData;
import dev.dockhand.events.EventHub;
import dev.dockhand.events.EventLog;
import dev.dockhand.events.EventPayload;
import dev.dockhand.store.Database;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.Handle;

/**
 * The only writer of a task's status. Each move is checked against {@link TaskStatus#canMoveTo},
 * guarded in SQL by the state it leaves (leaving {@code running}, also by the lease: owner and
 * attempt), and stores the row and its event in the caller's transaction; both are published after
 * commit, and a move that makes a task runnable or frees a slot wakes the dispatchers. Thread-safe.
 */
final class TaskTransitions {
  static final String WAKE = "dockhand_wake";

  private final Database database;
  private final EventLog eventLog;
  private final EventHub hub;
  private final TaskHub taskHub;
  private final Clock clock;
  private final List<Runnable> wakeListeners = new CopyOnWriteArrayList<>();

  /**
   * A move to {@code to} that also sets {@code columns} (a null value writes NULL) and stores an
   * event.
   */
  record Move(TaskStatus to, Map<String, Object> columns, EventPayload event) {}

  TaskTransitions(
      Database database, EventLog eventLog, EventHub hub, TaskHub taskHub, Clock clock) {
    this.database = database;
    this.eventLog = eventLog;
    this.hub = hub;
    this.taskHub = taskHub;
    this.clock = clock;
    database.listen(WAKE, ignored -> wakeListeners.forEach(Runnable::run));
  }

  /** Refuses a move {@link TaskStatus} does not allow, before anything is written. */
  static void check(String taskId, TaskStatus from, TaskStatus to) {
    if (!from.canMoveTo(to)) {
      throw new IllegalTransitionException(taskId, from, to);
    }
  }

  /**
   * Moves {@code task} from the state it was read in; empty when the row has left that state (or,
   * leaving {@code running}, that lease) meanwhile, and then nothing is written.
   */
  Optional<Task> apply(Handle handle, Task task, Move move) {
    TaskStatus from = task.status();
    check(task.id(), from, move.to());
    long now = clock.millis();
    StringBuilder sql =
        new StringBuilder(
            "UPDATE tasks SET status = :to, updated_at = :now, last_seq = last_seq + 1");
    move.columns()
        .forEach(
            (column, value) ->
                sql.append(", ")
                    .append(column)
                    .append(value == null ? " = NULL" : " = :set_" + column));
    sql.append(" WHERE id = :id AND status = :from");
    if (from == TaskStatus.RUNNING) {
      sql.append(" AND lease_owner = :owner AND attempt = :attempt");
    }
    sql.append(" RETURNING ").append(TaskRows.COLUMNS_WITH_SEQ);
    var update =
        handle
            .createQuery(sql.toString())
            .bind("to", move.to().wire())
            .bind("from", from.wire())
            .bind("now", now)
            .bind("id", task.id())
            .bind("owner", task.leaseOwner().orElse(null))
            .bind("attempt", task.attempt());
    move.columns()
        .forEach(
            (column, value) -> {
              if (value != null) {
                update.bind("set_" + column, value);
              }
            });
    return update
        .map(TaskRows.WITH_SEQ)
        .findOne()
        .map(row -> stored(handle, row, move.event(), now, wakes(from, move.to())));
  }

  /** As {@link #apply}, for the owner of a running attempt: a row that moved on is a lost lease. */
  Task applyLeased(Handle handle, Task task, Move move) {
    return apply(handle, task, move).orElseThrow(() -> Lease.of(task).lost());
  }

  /**
   * Inserts a new task as {@code queued}, with {@code task.queued} as its first event; {@code
   * columns} include its {@code run_after}.
   */
  Task insertQueued(Handle handle, Map<String, Object> columns) {
    long now = clock.millis();
    String names = String.join(", ", columns.keySet());
    String values = ":" + String.join(", :", columns.keySet());
    Task queued =
        handle
            .createQuery(
                "INSERT INTO tasks(status, attempt, created_at, updated_at, last_seq, "
                    + names
                    + ") VALUES ('queued', 1, :now, :now, 1, "
                    + values
                    + ") RETURNING "
                    + TaskRows.COLUMNS)
            .bindMap(columns)
            .bind("now", now)
            .map(TaskRows.MAPPER)
            .one();
    return stored(
        handle, new TaskRows.WithSeq(queued, 1), new EventPayload.TaskQueued(1), now, true);
  }

  /**
   * Claims the queued tasks {@code selection} picks for {@code owner} until {@code until}, each
   * with its {@code task.started} event.
   */
  List<Task> claim(Handle handle, ClaimSql.Selection selection, Map<String, Object> binds) {
    check("claimed", TaskStatus.QUEUED, TaskStatus.RUNNING);
    long now = clock.millis();
    List<TaskRows.WithSeq> rows =
        handle
            .createQuery(
                selection.with()
                    + "UPDATE tasks SET status = 'running', lease_owner = :owner,"
                    + " lease_expires_at = :until, started_at = COALESCE(started_at, :now),"
                    + " updated_at = :now, last_seq = last_seq + 1 "
                    + selection.where()
                    + " RETURNING "
                    + TaskRows.COLUMNS_WITH_SEQ)
            .bindMap(binds)
            .bind("now", now)
            .map(TaskRows.WITH_SEQ)
            .list();
    List<Task> claimed = new ArrayList<>();
    for (TaskRows.WithSeq row : rows) {
      EventPayload started = new EventPayload.TaskStarted(row.task().attempt());
      claimed.add(stored(handle, row, started, now, false));
    }
    return claimed;
  }

  /** Stores an event whose seq the caller took in its own UPDATE of the task, then publishes it. */
  Event storeEvent(Handle handle, String taskId, long seq, EventData data) {
    Event event = eventLog.insertTaken(handle, taskId, seq, data, clock.instant());
    hub.publishOnCommit(handle, event);
    return event;
  }

  /** Appends an event that changes no status (a follow-up message), then publishes it. */
  void appendEvent(Handle handle, String taskId, EventPayload payload) {
    hub.publishOnCommit(handle, eventLog.append(handle, taskId, payload, clock.instant()));
  }

  private Task stored(
      Handle handle, TaskRows.WithSeq row, EventPayload payload, long at, boolean wake) {
    Task task = row.task();
    hub.publishOnCommit(
        handle,
        eventLog.insertTaken(handle, task.id(), row.lastSeq(), payload, Instant.ofEpochMilli(at)));
    taskHub.changedOnCommit(handle, task);
    if (wake) {
      database.notify(handle, WAKE, "");
      handle.afterCommit(() -> wakeListeners.forEach(Runnable::run));
    }
    return task;
  }

  /** A task back in the queue is runnable; one that leaves {@code running} frees a slot. */
  private static boolean wakes(TaskStatus from, TaskStatus to) {
    return to == TaskStatus.QUEUED || from == TaskStatus.RUNNING;
  }

  void onRunnable(Runnable listener) {
    wakeListeners.add(listener);
  }
}
