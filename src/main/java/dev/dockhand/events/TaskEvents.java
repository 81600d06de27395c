package dev.dockhand.events;

/**
 * What the work of one running task writes to its event log. Implementations store the event
 * (guarded by the task's lease: a stale owner's append is refused with {@code LeaseLostException})
 * before publishing it to live subscribers. Thread-safe.
 */
public interface TaskEvents {
  /** Stores then publishes; {@code data} is any value Jackson maps to a JSON object. */
  Event append(EventKind kind, Object data);

  /** Live assistant text, never stored. */
  void delta(String text);
}
