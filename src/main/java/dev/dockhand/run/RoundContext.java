package dev.dockhand.run;

import dev.dockhand.events.TaskEvents;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.SpendLimitReached;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The task's context as a further run of the agent in the same attempt sees it (a round fixing
 * failed checks): its usage is added to what the earlier runs used, since the attempt's figure is
 * replaced with each report; the first token was timed by the first run; and it stops, like a
 * cancel, once the attempt's time is up ({@link #timeUp()}), as that run's own clock started later.
 * Thread-safe like the context it wraps.
 */
final class RoundContext implements TaskContext {
  private final TaskContext context;
  private final Usage before;
  private final long deadlineMillis;
  private final Clock clock;

  RoundContext(TaskContext context, Usage before, long deadlineMillis, Clock clock) {
    this.context = context;
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
  public Task task() {
    return context.task();
  }

  @Override
  public TaskEvents events() {
    return context.events();
  }

  @Override
  public boolean cancelled() {
    return context.cancelled() || timeUp();
  }

  @Override
  public void onCancel(Runnable action) {
    context.onCancel(action);
  }

  @Override
  public List<String> takeMessages() {
    return context.takeMessages();
  }

  @Override
  public void usage(Usage total) {
    context.usage(before.plus(total));
  }

  @Override
  public Optional<SpendLimitReached> ownerSpendLimit() {
    return context.ownerSpendLimit();
  }

  @Override
  public void timing(String phase, long millis) {
    if (!phase.equals("firstToken")) {
      context.timing(phase, millis);
    }
  }
}
