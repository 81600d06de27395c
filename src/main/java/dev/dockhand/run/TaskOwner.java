package dev.dockhand.run;

import dev.dockhand.config.Secret;
import dev.dockhand.git.GitIdentity;
import dev.dockhand.git.RepoUrl;
import java.util.Optional;

/**
 * Who a task runs for: credited as co-author, and the git token that clones and pushes for them
 * there (the GitHub App's installation token where the App is installed on the repository, else
 * their own).
 */
public record TaskOwner(GitIdentity identity, Optional<Secret> gitToken) {

  /** Finds the owner of a user's tasks. Implementations are thread-safe. */
  @FunctionalInterface
  public interface Lookup {
    /** The owner, once their access is confirmed; throws when they may no longer run tasks. */
    TaskOwner of(long userId, RepoUrl repo);

    /**
     * A token to push with now, their access having been confirmed when the attempt began: an
     * installation token lasts an hour, so the push does not reuse the clone's.
     */
    default Optional<Secret> pushToken(long userId, RepoUrl repo) {
      return of(userId, repo).gitToken();
    }
  }
}
