package dev.dockhand.queue;

import dev.dockhand.InvalidInputException;
import dev.dockhand.store.Database;
import java.util.List;
import java.util.Optional;

/** Reads pages of tasks, newest first, for the API's lists. Thread-safe. */
final class TaskLists {
  static final int MAX_LIST = 200;

  private final Database database;

  TaskLists(Database database) {
    this.database = database;
  }

  /** Every user's tasks, or one user's when {@code userId} is given, newest first. */
  Page<Task> list(
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
}
