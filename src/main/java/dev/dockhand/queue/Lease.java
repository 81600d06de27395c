package dev.dockhand.queue;

import java.util.Map;

/** The right of one owner to write one attempt of one task; every owner write is checked by it. */
public record Lease(String taskId, String owner, int attempt) {
  /** The WHERE clause of an owner's write, bound by {@link #guard()}. */
  static final String GUARD =
      " WHERE id = :id AND status = 'running' AND lease_owner = :owner AND attempt = :attempt";

  static Lease of(Task task) {
    return new Lease(task.id(), task.leaseOwner().orElseThrow(), task.attempt());
  }

  Map<String, Object> guard() {
    return Map.of("id", taskId, "owner", owner, "attempt", attempt);
  }

  LeaseLostException lost() {
    return new LeaseLostException(taskId, owner, attempt);
  }
}
