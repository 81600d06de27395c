package dev.dockhand.git;

import java.util.Optional;

/**
 * What publishing a task produced; all empty (and an empty diff) when the task changed nothing.
 *
 * @param commit the pushed head commit
 * @param headBranch the pushed branch, {@code dockhand/<short-id>}
 * @param prUrl the pull request's web address, where the host opens one
 * @param diff the task's changes as a unified diff
 */
public record PublishResult(
    Optional<String> commit, Optional<String> headBranch, Optional<String> prUrl, String diff) {

  public static final PublishResult NOTHING =
      new PublishResult(Optional.empty(), Optional.empty(), Optional.empty(), "");
}
