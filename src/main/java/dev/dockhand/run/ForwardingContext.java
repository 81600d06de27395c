package dev.dockhand.run;

import dev.dockhand.events.TaskEvents;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.SpendLimitReached;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import java.util.List;
import java.util.Optional;

/**
 * A task context that hands every call to the attempt's own: the base of the views of it that
 * change a few answers for the agent. Thread-safe like the context it wraps.
 */
abstract class ForwardingContext implements TaskContext {
  final TaskContext context;

  ForwardingContext(TaskContext context) {
    this.context = context;
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
    return context.cancelled();
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
    context.usage(total);
  }

  @Override
  public Optional<SpendLimitReached> ownerSpendLimit() {
    return context.ownerSpendLimit();
  }

  @Override
  public void timing(String phase, long millis) {
    context.timing(phase, millis);
  }
}
