package dev.dockhand.web;

import dev.dockhand.events.DeltaStream;
import dev.dockhand.events.Event;

/** Where a {@link TaskFollower} delivers: one WebSocket connection, or one SSE stream. */
interface FollowerSink {
  /** Called on the publisher's thread for live events: must not block. */
  void event(Event event);

  /** Live output (model text, setup, checks); never stored, never replayed. */
  void delta(String taskId, DeltaStream stream, String text);

  /**
   * Blocks the replaying thread until the client has drained enough for another page. False once
   * the sink is closed.
   */
  boolean awaitRoom() throws InterruptedException;

  /** Following stopped because the store failed; the client should reconnect later. */
  void failed(TaskFollower follower, RuntimeException failure);
}
