package dev.dockhand.run;

import dev.dockhand.events.TaskEvents;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.SpendLimitReached;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskContext;
import java.util.List;
import java.util.Optional;

/**
 * The task's context as the agent sees it during a warm start: stopped, like a cancel, also when
 * the preparation running beside it fails, so a clone or setup that fails ends a model turn in
 * flight at once. Thread-safe like the context it wraps.
 */
final class AttemptContext implements TaskContext {
  private final TaskContext context;
  private final Preparation preparation;

  AttemptContext(TaskContext context, Preparation preparation) {
    this.context = context;
    this.preparation = preparation;
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
    return context.cancelled() || preparation.failed();
  }

  @Override
  public void onCancel(Runnable action) {
    context.onCancel(action);
    preparation.onFailure(action);
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
