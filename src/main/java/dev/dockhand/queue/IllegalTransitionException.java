package dev.dockhand.queue;

/** A change of a task's status that {@link TaskStatus} does not allow: a bug in the caller. */
public final class IllegalTransitionException extends IllegalStateException {
  IllegalTransitionException(String taskId, TaskStatus from, TaskStatus to) {
    super("task " + taskId + " cannot move from " + from.wire() + " to " + to.wire());
  }
}
