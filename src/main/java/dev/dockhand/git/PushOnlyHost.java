package dev.dockhand.git;

import dev.dockhand.config.Secret;
import java.util.Optional;

/** A host we only push to: the task's branch is the whole result. Stateless and thread-safe. */
public final class PushOnlyHost implements GitHost {
  @Override
  public Optional<String> openPullRequest(
      RepoUrl repo,
      String head,
      String base,
      String title,
      String body,
      boolean draft,
      Secret token) {
    RefNames.requireBranch(head);
    RefNames.requireBranch(base);
    return Optional.empty();
  }
}
