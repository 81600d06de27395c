package dev.dockhand.queue;

import java.util.Set;

/** Every state a task can be in, and the only changes allowed between them. */
public enum TaskStatus {
  /** Waiting for a claim after run_after. A crash here loses nothing: the row is the queue. */
  QUEUED,
  /**
   * Claimed under a lease. A crash here leaves the lease to expire; any node then puts the task
   * back to QUEUED (the attempt counts) or FAILED once attempts are spent.
   */
  RUNNING,
  /** Terminal: the work finished. */
  SUCCEEDED,
  /** Terminal: a permanent error, or attempts spent. A follow-up message may resume it. */
  FAILED,
  /** Terminal: cancelled by its owner. A follow-up message may resume it. */
  CANCELLED;

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  public boolean canMoveTo(TaskStatus next) {
    return switch (this) {
      case QUEUED -> Set.of(RUNNING, CANCELLED).contains(next);
      case RUNNING -> Set.of(QUEUED, SUCCEEDED, FAILED, CANCELLED).contains(next);
      // A follow-up on a finished task resumes it as a new attempt.
      case SUCCEEDED, FAILED, CANCELLED -> next == QUEUED;
    };
  }

  public String wire() {
    return name().toLowerCase();
  }
}
