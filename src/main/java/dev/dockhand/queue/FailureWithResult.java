package dev.dockhand.queue;

import dev.dockhand.DockhandException;

/**
 * An attempt that failed for good but kept its work first (a task stopped by a limit pushes what it
 * did to its branch): the task fails with this code and message and records the result, so the
 * branch shows in the task and a follow-up resumes from it. Never retryable.
 */
public final class FailureWithResult extends DockhandException {
  private final transient TaskResult result;

  public FailureWithResult(String code, String message, TaskResult result) {
    super(code, message, false, null);
    this.result = result;
  }

  public TaskResult result() {
    return result;
  }
}
