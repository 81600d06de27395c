package dev.dockhand.web;

import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.Usage;
import dev.dockhand.queue.Task;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A task as clients see it (REST and the WebSocket's {@code task} frames). Leaves out what is
 * internal: the owner's id, the lease. Absent optionals are left out of the JSON. {@code checks} is
 * the last run of the repository's checks, as its {@code checks.finished} event says.
 */
record TaskView(
    String id,
    String status,
    int attempt,
    int maxAttempts,
    String repo,
    Optional<String> branch,
    Optional<String> headBranch,
    Optional<String> commit,
    Optional<String> prUrl,
    String prompt,
    String model,
    int maxTurns,
    double budgetUsd,
    List<String> egressAllow,
    Usage usage,
    Map<String, Long> timings,
    Optional<ChecksFinished> checks,
    Optional<Task.TaskError> error,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Instant updatedAt) {

  static TaskView of(Task task) {
    return new TaskView(
        task.id(),
        task.status().wire(),
        task.attempt(),
        task.maxAttempts(),
        task.repo(),
        task.branch(),
        task.headBranch(),
        task.commit(),
        task.prUrl(),
        task.prompt(),
        task.model(),
        task.maxTurns(),
        task.budgetUsd(),
        task.egressAllow(),
        task.usage(),
        task.timings(),
        task.checks(),
        task.error(),
        task.createdAt(),
        task.startedAt(),
        task.finishedAt(),
        task.updatedAt());
  }
}
