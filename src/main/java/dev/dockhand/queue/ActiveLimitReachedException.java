package dev.dockhand.queue;

import dev.dockhand.DockhandException;

/**
 * A submit, or a follow-up that would queue a finished task again, refused because the person
 * already has as many tasks queued or running as DOCKHAND_MAX_ACTIVE_TASKS_PER_USER allows. Counted
 * inside the insert's transaction, so concurrent submits cannot all slip under the limit.
 */
public final class ActiveLimitReachedException extends DockhandException {
  private final int limit;

  ActiveLimitReachedException(long userId, int limit) {
    super("rate_limited", "user " + userId + " has " + limit + " tasks queued or running");
    this.limit = limit;
  }

  /** The limit that was reached. */
  public int limit() {
    return limit;
  }
}
