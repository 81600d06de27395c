package dev.dockhand.queue;

import dev.dockhand.store.Dialect;

/**
 * Which queued tasks a claim takes, shared by both databases but for their locking clause; {@link
 * TaskTransitions#claim} wraps it in the UPDATE that starts them.
 */
final class ClaimSql {
  private ClaimSql() {}

  /**
   * A claim's common table expressions ({@code with}, may be empty) and its WHERE clause; {@code
   * :runnableAt} is the database's now.
   */
  record Selection(String with, String where) {}

  /**
   * One UPDATE. The inner SELECT looks at the oldest runnable tasks of users below their limit — a
   * bounded head of the queue, so a claim costs the same however long the queue is — ranks each
   * user's tasks there so nobody passes the per-user limit, and (on PostgreSQL) skips rows other
   * transactions hold. Users who fill the head reach their limit with this claim and drop out of
   * the next one, so tasks further back are never starved. The ranking is a materialised CTE so
   * that PostgreSQL's generic plan computes it once, not once per row.
   */
  static Selection ranked(Dialect dialect) {
    return new Selection(
        """
        WITH busy AS MATERIALIZED (
          SELECT user_id, COUNT(*) AS running FROM tasks WHERE status = 'running' GROUP BY user_id),
        eligible AS MATERIALIZED (
          SELECT ranked.id FROM (
            SELECT head.id, head.user_id, ROW_NUMBER() OVER (
              PARTITION BY head.user_id ORDER BY head.run_after, head.created_at, head.id) AS user_rank
            FROM (
              SELECT id, user_id, run_after, created_at FROM tasks
              WHERE status = 'queued' AND run_after <= :runnableAt
                AND user_id NOT IN (SELECT user_id FROM busy WHERE running >= :perUser)
              ORDER BY run_after, created_at, id
              LIMIT :head) head) ranked
          LEFT JOIN busy ON busy.user_id = ranked.user_id
          WHERE ranked.user_rank + COALESCE(busy.running, 0) <= :perUser)
        """,
        """
        WHERE id IN (
          SELECT id FROM tasks
          WHERE status = 'queued' AND id IN (SELECT id FROM eligible)
          ORDER BY run_after, created_at, id
          LIMIT :limit
          %s)\
        """
            .formatted(dialect.claimLock()));
  }

  /**
   * The same claim for when the per-user limit cannot bind (no user would reach it even if every
   * claimed task were theirs): the oldest runnable tasks, nothing to rank.
   */
  static Selection withinLimits(Dialect dialect) {
    return new Selection(
        "",
        """
        WHERE id IN (
          SELECT id FROM tasks
          WHERE status = 'queued' AND run_after <= :runnableAt
          ORDER BY run_after, created_at, id
          LIMIT :limit
          %s)\
        """
            .formatted(dialect.claimLock()));
  }
}
