package dev.dockhand.queue;

import dev.dockhand.store.Database;
import dev.dockhand.store.DbClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Claims the oldest runnable tasks within the global and per-user limits. Claims are serialised
 * across nodes, so the limits hold exactly. Which tasks are runnable (their {@code run_after}) and
 * when the lease they get ends are both judged by the database's clock. Thread-safe.
 */
final class Claims {
  private final Database database;
  private final TaskTransitions transitions;
  private final QueueSettings settings;
  private final DbClock dbClock;
  private final ClaimSql.Selection rankedClaim;
  private final ClaimSql.Selection claimWithinLimits;

  Claims(Database database, TaskTransitions transitions, QueueSettings settings, DbClock dbClock) {
    this.database = database;
    this.transitions = transitions;
    this.settings = settings;
    this.dbClock = dbClock;
    this.rankedClaim = ClaimSql.ranked(database.dialect());
    this.claimWithinLimits = ClaimSql.withinLimits(database.dialect());
  }

  /** Claims up to {@code max} tasks for {@code owner} and starts an attempt of each. */
  List<Task> claim(String owner, int max) {
    int head = Math.max(64, max * 4);
    // A read, so an idle node does not take the write lock to find nothing.
    int runnable =
        database.jdbi().withHandle(handle -> runnable(handle, dbClock.millis(handle), head + 1));
    if (runnable == 0) {
      return List.of();
    }
    return database.write(
        handle -> {
          database.dialect().lockClaims(handle);
          long[] running = running(handle); // all, and those of the busiest user
          int limit = (int) Math.min(max, settings.maxConcurrentTasks() - running[0]);
          if (limit <= 0) {
            return List.of();
          }
          long now = dbClock.millis(handle);
          long until = now + settings.lease().toMillis();
          List<Task> tasks =
              new ArrayList<>(
                  running[1] + limit <= settings.maxTasksPerUser()
                      ? claim(handle, claimWithinLimits, owner, now, until, limit, head)
                      : claimRanked(handle, owner, now, until, limit, head, runnable > head));
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
  private List<Task> claimRanked(
      Handle handle,
      String owner,
      long now,
      long until,
      int limit,
      int head,
      boolean longerThanHead) {
    List<Task> claimed = new ArrayList<>();
    List<Task> batch;
    do {
      batch = claim(handle, rankedClaim, owner, now, until, limit - claimed.size(), head);
      claimed.addAll(batch);
    } while (claimed.size() < limit
        && !batch.isEmpty()
        && longerThanHead
        && moreRunnable(handle, now));
    return claimed;
  }

  /** Claims tasks runnable at {@code now} for {@code owner} until {@code until}. */
  private List<Task> claim(
      Handle handle,
      ClaimSql.Selection sql,
      String owner,
      long now,
      long until,
      int limit,
      int head) {
    return transitions.claim(
        handle,
        sql,
        Map.of(
            "owner", owner,
            "runnableAt", now,
            "until", until,
            "perUser", settings.maxTasksPerUser(),
            "limit", limit,
            "head", head));
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
        .bind("perUser", settings.maxTasksPerUser())
        .mapTo(Integer.class)
        .findOne()
        .isPresent();
  }
}
