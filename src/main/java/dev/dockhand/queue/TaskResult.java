package dev.dockhand.queue;

import java.util.Optional;

/** What a successful attempt produced, written to the task row on completion. */
public record TaskResult(
    Optional<String> headBranch,
    Optional<String> baseCommit,
    Optional<String> commit,
    Optional<String> prUrl) {

  public static final TaskResult NOTHING =
      new TaskResult(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
}
