package dev.dockhand.queue;

/**
 * The work one task attempt does, run by the dispatcher on a virtual thread. Returning completes
 * the task; throwing a retryable {@code DockhandException} retries it with backoff; any other
 * exception fails it. When {@link TaskContext#cancelled()} turns true the step should stop as soon
 * as it can; the dispatcher decides the final state.
 */
@FunctionalInterface
public interface TaskStep {
  TaskResult run(TaskContext context) throws Exception;
}
