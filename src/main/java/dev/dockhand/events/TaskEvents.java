package dev.dockhand.events;

/**
 * What the work of one running task writes to its event log. Implementations store the event
 * (guarded by the task's lease: a stale owner's append is refused with {@code LeaseLostException})
 * before publishing it to live subscribers. Once the task's log is full (DOCKHAND_TASK_MAX_EVENTS,
 * DOCKHAND_TASK_MAX_EVENT_MB) an append is refused with {@code EventLimitException}, code {@code
 * event_limit}, which ends the task as failed with that reason. Thread-safe.
 */
public interface TaskEvents {
  /** Stores then publishes. */
  Event append(EventPayload payload);

  /** Live output of {@code stream} (the model's text, setup, checks), never stored. */
  void delta(DeltaStream stream, String text);

  /** Live assistant text, never stored. */
  default void delta(String text) {
    delta(DeltaStream.TEXT, text);
  }
}
