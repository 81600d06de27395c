package dev.dockhand.queue;

import dev.dockhand.config.ConfigException;
import dev.dockhand.config.Env;
import java.time.Duration;

/**
 * How the queue claims and retries work on this node.
 *
 * @param maxConcurrentTasks DOCKHAND_MAX_CONCURRENT_TASKS (default 4): tasks running at once across
 *     the whole deployment
 * @param maxTasksPerUser DOCKHAND_MAX_TASKS_PER_USER (default 2): tasks one user may run at once
 * @param maxAttempts DOCKHAND_MAX_ATTEMPTS (default 3): runs of a task before a retryable failure
 *     becomes final
 * @param lease DOCKHAND_LEASE (default 60s): how long a claim holds without a heartbeat; at least
 *     twice the heartbeat
 * @param heartbeat DOCKHAND_HEARTBEAT (default 10s): how often a running task's lease is extended
 * @param poll DOCKHAND_POLL_INTERVAL (default 2s): fallback poll when no submit wakes the
 *     dispatcher
 * @param backoffBase DOCKHAND_RETRY_BACKOFF (default 5s): the first retry's delay, doubled per
 *     attempt, with jitter
 * @param backoffCap DOCKHAND_RETRY_BACKOFF_CAP (default 5m): the longest retry delay
 * @param maxTaskEvents DOCKHAND_TASK_MAX_EVENTS (default 20000, at least 100): the most events one
 *     task's log may hold, all attempts together; a running task's append past it fails the task
 *     with code {@code event_limit} (a few events are kept back for how the task ends)
 * @param maxTaskEventBytes DOCKHAND_TASK_MAX_EVENT_MB (default 64, in MiB, at least 1): the most
 *     event data (stored JSON, in bytes) one task's log may hold; past it, as above. Both bound
 *     what the coordinator reads back to resume the task, whatever the agent does
 */
public record QueueSettings(
    int maxConcurrentTasks,
    int maxTasksPerUser,
    int maxAttempts,
    Duration lease,
    Duration heartbeat,
    Duration poll,
    Duration backoffBase,
    Duration backoffCap,
    int maxTaskEvents,
    long maxTaskEventBytes) {
  private static final long MIB = 1024 * 1024;

  public static QueueSettings from(Env env) {
    QueueSettings settings =
        new QueueSettings(
            env.integer("DOCKHAND_MAX_CONCURRENT_TASKS", 4, 1, 1000),
            env.integer("DOCKHAND_MAX_TASKS_PER_USER", 2, 1, 1000),
            env.integer("DOCKHAND_MAX_ATTEMPTS", 3, 1, 100),
            env.duration(
                "DOCKHAND_LEASE",
                Duration.ofSeconds(60),
                Duration.ofMillis(200),
                Duration.ofHours(1)),
            env.duration(
                "DOCKHAND_HEARTBEAT",
                Duration.ofSeconds(10),
                Duration.ofMillis(50),
                Duration.ofMinutes(30)),
            env.duration(
                "DOCKHAND_POLL_INTERVAL",
                Duration.ofSeconds(2),
                Duration.ofMillis(10),
                Duration.ofMinutes(5)),
            env.duration(
                "DOCKHAND_RETRY_BACKOFF",
                Duration.ofSeconds(5),
                Duration.ZERO,
                Duration.ofHours(1)),
            env.duration(
                "DOCKHAND_RETRY_BACKOFF_CAP",
                Duration.ofMinutes(5),
                Duration.ZERO,
                Duration.ofHours(24)),
            env.integer("DOCKHAND_TASK_MAX_EVENTS", 20_000, 100, 10_000_000),
            env.longValue("DOCKHAND_TASK_MAX_EVENT_MB", 64, 1, 1024 * 1024) * MIB);
    if (settings.lease.compareTo(settings.heartbeat.multipliedBy(2)) < 0) {
      throw new ConfigException(
          "DOCKHAND_LEASE",
          "must be at least twice DOCKHAND_HEARTBEAT ("
              + settings.heartbeat
              + "), got "
              + settings.lease);
    }
    return settings;
  }
}
