package dev.dockhand.queue;

/**
 * The work one task attempt does, run by the dispatcher on a virtual thread. It returns how it
 * ended: {@link AttemptOutcome.Succeeded}, or {@link AttemptOutcome.Failed} when it fails for good
 * but keeps what it did. Throwing a retryable {@code DockhandException} retries the task with
 * backoff; any other exception fails it. When {@link TaskContext#cancelled()} turns true the step
 * should stop as soon as it can; the dispatcher decides the final state.
 */
@FunctionalInterface
public interface TaskStep {
  AttemptOutcome.Finished run(TaskContext context) throws Exception;
}
