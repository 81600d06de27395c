package dev.dockhand.queue;

import dev.dockhand.DockhandException;

/**
 * A running task's append refused because its event log is full (DOCKHAND_TASK_MAX_EVENTS or
 * DOCKHAND_TASK_MAX_EVENT_MB). Not retryable: another attempt would replay the same history into
 * the same full log. The message is the task's failure reason, so it names the limit and its key.
 */
public class EventLimitException extends DockhandException {
  public static final String CODE = "event_limit";
  private final String taskId;

  EventLimitException(String taskId, String message) {
    super(CODE, message, false, null);
    this.taskId = taskId;
  }

  public String taskId() {
    return taskId;
  }
}
