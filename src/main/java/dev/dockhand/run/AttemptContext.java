package dev.dockhand.run;

import dev.dockhand.queue.TaskContext;

/**
 * The task's context as the agent sees it during a warm start: stopped, like a cancel, also when
 * the preparation running beside it fails, so a clone or setup that fails ends a model turn in
 * flight at once. Thread-safe like the context it wraps.
 */
final class AttemptContext extends ForwardingContext {
  private final Preparation preparation;

  AttemptContext(TaskContext context, Preparation preparation) {
    super(context);
    this.preparation = preparation;
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
}
