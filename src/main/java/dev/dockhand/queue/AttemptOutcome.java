package dev.dockhand.queue;

/**
 * How one attempt of a task ended, which the {@link Dispatcher} records through {@link TaskLeases}:
 * what its step returned ({@link Finished}), what it threw ({@link Failed} or {@link Retryable}),
 * or why the dispatcher stopped it ({@link Stopped}, which wins over whatever the step then does).
 */
public sealed interface AttemptOutcome {
  /** What a {@link TaskStep} returns when it ran to its end. */
  sealed interface Finished extends AttemptOutcome permits Succeeded, Failed {}

  /** The dispatcher stopped the attempt before its step ended. */
  sealed interface Stopped extends AttemptOutcome permits Cancelled, HandedBack, LeaseLost {}

  /** The task succeeded; {@code result} is written to its row. */
  record Succeeded(TaskResult result) implements Finished {}

  /**
   * The task failed for good with {@code code} and {@code message}; what {@code kept} holds (a task
   * stopped by a limit pushes its work first) is still written to its row.
   */
  record Failed(String code, String message, TaskResult kept) implements Finished {
    public Failed(String code, String message) {
      this(code, message, TaskResult.NOTHING);
    }
  }

  /** A fault that may pass: the task runs again after a backoff, or fails once attempts are out. */
  record Retryable(String code, String message) implements AttemptOutcome {}

  /** Its owner cancelled the task: it ends cancelled, keeping what it logged. */
  record Cancelled() implements Stopped {}

  /** The node is shutting down: the task goes back to the queue with no attempt spent. */
  record HandedBack() implements Stopped {}

  /** Another node took the task over: this node writes nothing more. */
  record LeaseLost() implements Stopped {}
}
