package dev.dockhand.queue;

/** The right of one owner to write one attempt of one task; every owner write is checked by it. */
public record Lease(String taskId, String owner, int attempt) {
  static Lease of(Task task) {
    return new Lease(task.id(), task.leaseOwner().orElseThrow(), task.attempt());
  }
}
