package dev.dockhand.run;

import dev.dockhand.events.Usage;
import dev.dockhand.queue.TaskContext;
import java.time.Clock;

/**
 * The task's context as a further run of the agent in the same attempt sees it (a round fixing
 * failed checks): its usage is added to what the earlier runs used, since the attempt's figure is
 * replaced with each report; the first token was timed by the first run; and it stops, like a
 * cancel, once the attempt's time is up ({@link #timeUp()}), as that run's own clock started later
 * (a command already running may still take its own time limit). Thread-safe like the context it
 * wraps.
 */
final class RoundContext extends ForwardingContext {
  private final Usage before;
  private final long deadlineMillis;
  private final Clock clock;

  RoundContext(TaskContext context, Usage before, long deadlineMillis, Clock clock) {
    super(context);
    this.before = before;
    this.deadlineMillis = deadlineMillis;
    this.clock = clock;
  }

  /** Whether the attempt's longest allowed time has passed. */
  boolean timeUp() {
    return clock.millis() >= deadlineMillis;
  }

  /** Whether it stopped because the time was up, not because the attempt was stopped. */
  boolean stoppedByClock() {
    return timeUp() && !context.cancelled();
  }

  @Override
  public boolean cancelled() {
    return context.cancelled() || timeUp();
  }

  @Override
  public void usage(Usage total) {
    context.usage(before.plus(total));
  }

  @Override
  public void timing(String phase, long millis) {
    if (!phase.equals("firstToken")) {
      context.timing(phase, millis);
    }
  }
}
