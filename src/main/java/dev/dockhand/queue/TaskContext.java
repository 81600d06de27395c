package dev.dockhand.queue;

import dev.dockhand.events.TaskEvents;
import dev.dockhand.events.Usage;
import java.util.List;
import java.util.Optional;

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

  /**
   * Records the task's usage so far (replaces the previous figure for this attempt); what it adds
   * to the previous figure's cost is added to the owner's spend for the day.
   */
  void usage(Usage total);

  /**
   * The task owner's daily or monthly spend limit, if it is reached now, read from the ledger all
   * their tasks on every node share; checked before each model turn.
   */
  Optional<SpendLimitReached> ownerSpendLimit();

  /** Records how long a phase took (queued, clone, container, firstToken, agent, push). */
  void timing(String phase, long millis);
}
