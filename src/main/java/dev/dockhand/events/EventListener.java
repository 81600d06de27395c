package dev.dockhand.events;

/**
 * Receives one subscription's events. Called on the publisher's thread (an agent's, the store
 * listener's), so it must be quick and must not block: hand the event to your own bounded queue.
 */
public interface EventListener {
  /** Events of the task in seq order, each exactly once. */
  void onEvent(Event event);

  /**
   * Live output (the model's text, setup's or checks' output); never stored, so a late subscriber
   * does not see earlier deltas.
   */
  default void onDelta(String taskId, DeltaStream stream, String text) {}
}
