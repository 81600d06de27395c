package dev.dockhand.queue;

import dev.dockhand.store.Database;
import org.jdbi.v3.core.Handle;

/**
 * Each person's queued plus running tasks, and the limit on them, checked in the transaction that
 * would add one under a lock on the person, so concurrent writers cannot all slip under it.
 * Thread-safe.
 */
final class ActiveTasks {
  private final Database database;
  private final int maxPerUser;

  ActiveTasks(Database database, int maxPerUser) {
    this.database = database;
    this.maxPerUser = maxPerUser;
  }

  /** Serialises, until commit, the writers that may add a task of {@code userId}. */
  void lockUser(Handle handle, long userId) {
    database.dialect().lockUser(handle, userId);
  }

  /** Refuses one more queued task to a person at the limit; the caller holds their lock. */
  void requireRoom(Handle handle, long userId) {
    // Counting stops at the limit, so a submit costs the same however much a person has queued.
    if (count(handle, userId, maxPerUser) >= maxPerUser) {
      throw new ActiveLimitReachedException(userId, maxPerUser);
    }
  }

  long count(long userId) {
    return database.jdbi().withHandle(handle -> count(handle, userId, Integer.MAX_VALUE));
  }

  /** The person's queued and running tasks, counted up to {@code atMost} (index tasks_active). */
  private static long count(Handle handle, long userId, int atMost) {
    return handle
        .select(
            "SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE user_id = ?"
                + " AND status IN ('queued', 'running') LIMIT ?) active",
            userId,
            atMost)
        .mapTo(Long.class)
        .one();
  }
}
