package dev.dockhand.git;

import java.util.Optional;

/**
 * Where a task's work goes when the task came from outside Dockhand's own app (a GitHub issue or
 * pull request), instead of its own {@code dockhand/<short-id>} branch and a new pull request.
 *
 * @param branch push here instead (a pull request's head branch: the push must fast-forward it, and
 *     no pull request is opened, since that one exists)
 * @param pullRequestUrl the existing pull request {@code branch} belongs to, reported as the task's
 * @param closesIssue the issue the pull request says it fixes ({@code Fixes #N})
 */
public record PublishTarget(
    Optional<String> branch, Optional<String> pullRequestUrl, Optional<Integer> closesIssue) {
  public static final PublishTarget OWN_BRANCH =
      new PublishTarget(Optional.empty(), Optional.empty(), Optional.empty());

  public PublishTarget {
    branch.ifPresent(RefNames::requireBranch);
  }

  /** Finds a task's target by its id; {@link #OWN_BRANCH} for most. Thread-safe. */
  @FunctionalInterface
  public interface Lookup {
    Lookup NONE = taskId -> OWN_BRANCH;

    PublishTarget of(String taskId);
  }
}
