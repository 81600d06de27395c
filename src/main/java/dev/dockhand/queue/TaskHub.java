package dev.dockhand.queue;

import dev.dockhand.events.Notifications;
import dev.dockhand.store.Database;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live fan-out of task status changes to their owner's subscribers (the {@code tasks} topic). A
 * change is published only after the transaction that made it commits. On PostgreSQL it also goes
 * out as a small NOTIFY ({taskId}; the receiver reads the row), so an owner connected to any node
 * sees work done on every node. Listeners run on the publisher's thread and must be quick.
 * Thread-safe.
 */
public final class TaskHub {
  private static final Logger log = LoggerFactory.getLogger(TaskHub.class);
  static final String TASKS = "dockhand_tasks";

  private final Database database;
  private final Notifications notifications = new Notifications();
  private final Map<Long, Set<Consumer<Task>>> byUser = new ConcurrentHashMap<>();
  private final Set<Consumer<Task>> everyone = ConcurrentHashMap.newKeySet();

  TaskHub(Database database) {
    this.database = database;
    database.listen(TASKS, notifications.fromOthers(payload -> remote(payload.path("t").asText())));
  }

  /** Every status change of the user's tasks. Close the returned handle to stop. */
  public AutoCloseable subscribe(long userId, Consumer<Task> listener) {
    byUser.compute(
        userId,
        (id, set) -> {
          Set<Consumer<Task>> live = set == null ? ConcurrentHashMap.newKeySet() : set;
          live.add(listener);
          return live;
        });
    return () ->
        byUser.computeIfPresent(
            userId, (id, set) -> set.remove(listener) && set.isEmpty() ? null : set);
  }

  /** Every status change of every user's tasks (the GitHub App's progress reports). */
  public AutoCloseable subscribeAll(Consumer<Task> listener) {
    everyone.add(listener);
    return () -> everyone.remove(listener);
  }

  /** Publishes the task's new state to its owner's topic once the transaction commits. */
  void changedOnCommit(Handle handle, Task task) {
    database.notify(handle, TASKS, notifications.payload(task.id()).toString());
    handle.afterCommit(() -> deliver(task));
  }

  private void deliver(Task task) {
    Set<Consumer<Task>> listeners = byUser.getOrDefault(task.userId(), Set.of());
    for (Consumer<Task> listener : everyone.isEmpty() ? listeners : both(listeners)) {
      try {
        listener.accept(task);
      } catch (RuntimeException e) {
        log.warn("task listener failed", e);
      }
    }
  }

  private Set<Consumer<Task>> both(Set<Consumer<Task>> listeners) {
    Set<Consumer<Task>> all = new java.util.HashSet<>(listeners);
    all.addAll(everyone);
    return all;
  }

  private void remote(String taskId) {
    if (!byUser.isEmpty() || !everyone.isEmpty()) {
      database
          .jdbi()
          .withHandle(handle -> TaskRows.find(handle, taskId))
          .filter(task -> !everyone.isEmpty() || byUser.containsKey(task.userId()))
          .ifPresent(this::deliver);
    }
  }
}
