package dev.dockhand.queue;

import dev.dockhand.DockhandException;

/**
 * A write by an owner whose lease on the task is gone (expired and taken over, handed back, or
 * the task finished): the write was refused and changed nothing.
 */
public class LeaseLostException extends DockhandException {
  private final String taskId;
  private final String owner;
  private final int attempt;

  public LeaseLostException(String taskId, String owner, int attempt) {
    super(
        "lease_lost",
        "task " + taskId + ": lease of " + owner + " on attempt " + attempt + " is lost",
        false,
        null);
    this.taskId = taskId;
    this.owner = owner;
    this.attempt = attempt;
  }

  public String taskId() {
    return taskId;
  }

  public String owner() {
    return owner;
  }

  public int attempt() {
    return attempt;
  }
}
