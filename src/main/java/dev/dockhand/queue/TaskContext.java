package dev.dockhand.queue;

import dev.dockhand.events.TaskEvents;
import java.util.List;

/** What the dispatcher hands to a running attempt. Thread-safe. */
public interface TaskContext {
  /** The task as claimed (status RUNNING, this attempt's number). */
  Task task();

  /** Appends are guarded by this attempt's lease. */
  TaskEvents events();

  /** True once the task is cancelled, the lease is lost, or the node shuts down. */
  boolean cancelled();

  /**
   * Runs {@code action} once when the attempt is cancelled (at once if it already is): kill a
   * container, abort a model stream.
   */
  void onCancel(Runnable action);

  /** Follow-up messages posted since the last call, oldest first; each is returned once. */
  List<String> takeMessages();

  /** Records the task's usage so far (replaces the previous figure for this attempt). */
  void usage(Usage total);

  /** Records how long a phase took (queued, clone, container, firstToken, agent, push). */
  void timing(String phase, long millis);
}
