package dev.dockhand.queue;

import dev.dockhand.events.EventPayload;
import dev.dockhand.events.EventPayload.TaskCancelled;
import dev.dockhand.events.EventPayload.TaskFailed;
import dev.dockhand.events.EventPayload.TaskQueued;
import dev.dockhand.events.EventPayload.TaskRetrying;
import dev.dockhand.events.EventPayload.TaskSucceeded;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.TaskTransitions.Move;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The moves the queue makes, each with the columns it sets and its event, so that whichever path
 * ends a task (its owner, a cancel while queued, a rescue) writes the same row and the same event.
 */
final class TaskMoves {
  private TaskMoves() {}

  /**
   * To {@code succeeded}, {@code failed} or {@code cancelled}: the event carries {@code reason} and
   * {@code code} (when there is a reason), {@code usage} and {@code timings} with their {@code
   * total}; what {@code result} holds is kept on the row.
   */
  static Move finished(
      Task task,
      TaskStatus status,
      String code,
      String reason,
      Usage usage,
      Map<String, Long> timings,
      TaskResult result,
      long now) {
    Map<String, Long> allTimings = new HashMap<>(timings);
    allTimings.put("total", now - task.createdAt().toEpochMilli());
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("finished_at", now);
    columns.put("lease_owner", null);
    columns.put("lease_expires_at", null);
    columns.put("cancel_requested", 0);
    columns.put("usage_json", TaskRows.json(usage));
    columns.put("timings_json", TaskRows.json(allTimings));
    columns.put("error_code", code);
    columns.put("error_message", reason);
    columns.put("head_branch", result.headBranch().or(task::headBranch).orElse(null));
    columns.put("base_commit", result.baseCommit().or(task::baseCommit).orElse(null));
    columns.put("commit_sha", result.commit().or(task::commit).orElse(null));
    columns.put("pr_url", result.prUrl().or(task::prUrl).orElse(null));
    String eventCode = reason == null ? null : code;
    EventPayload event =
        switch (status) {
          case SUCCEEDED -> new TaskSucceeded(reason, eventCode, usage, allTimings);
          case FAILED -> new TaskFailed(reason, eventCode, usage, allTimings);
          case CANCELLED -> new TaskCancelled(reason, eventCode, usage, allTimings);
          case QUEUED, RUNNING -> throw new IllegalArgumentException("not final: " + status);
        };
    return new Move(status, columns, event);
  }

  /** Cancelled by its owner, from whichever state it was in. */
  static Move cancelled(Task task, Usage usage, Map<String, Long> timings, long now) {
    return finished(
        task,
        TaskStatus.CANCELLED,
        "cancelled",
        "cancelled by the user",
        usage,
        timings,
        TaskResult.NOTHING,
        now);
  }

  /** From {@code running} back to the queue as {@code attempt}, runnable at {@code runAfter}. */
  static Move requeued(
      int attempt, long runAfter, String reason, Usage usage, Map<String, Long> timings) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("attempt", attempt);
    columns.put("run_after", runAfter);
    columns.put("lease_owner", null);
    columns.put("lease_expires_at", null);
    columns.put("usage_json", TaskRows.json(usage));
    columns.put("timings_json", TaskRows.json(timings));
    EventPayload event = new TaskRetrying(attempt, reason, Instant.ofEpochMilli(runAfter));
    return new Move(TaskStatus.QUEUED, columns, event);
  }

  /**
   * A finished task resumed by a follow-up: a new attempt that always gets to run, from {@code
   * runAfter}.
   */
  static Move resumed(Task task, int freshAttempts, long runAfter) {
    int attempt = task.attempt() + 1;
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("attempt", attempt);
    columns.put("max_attempts", Math.max(task.maxAttempts(), attempt - 1 + freshAttempts));
    columns.put("run_after", runAfter);
    columns.put("finished_at", null);
    columns.put("error_code", null);
    columns.put("error_message", null);
    columns.put("cancel_requested", 0);
    return new Move(TaskStatus.QUEUED, columns, new TaskQueued(attempt));
  }
}
