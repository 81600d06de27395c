package dev.dockhand.git;

import dev.dockhand.DockhandException;

/**
 * A git or git-host failure that ends a task with a clear reason. Messages name the host,
 * repository or branch, never a token; only network trouble and faults of the host's disk are
 * retryable.
 */
public final class GitException extends DockhandException {
  private GitException(String code, String message, boolean retryable) {
    super(code, message, retryable, null);
  }

  static GitException auth(String host) {
    return new GitException("git_auth", "the git server refused the token for " + host, false);
  }

  static GitException repoNotFound(RepoUrl repo) {
    return new GitException(
        "repo_not_found",
        "repository "
            + repo.fullName()
            + " was not found on "
            + repo.host()
            + " (or the token cannot see it)",
        false);
  }

  static GitException branchNotFound(RepoUrl repo, String branch) {
    return new GitException(
        "branch_not_found", "branch '" + branch + "' does not exist in " + repo.fullName(), false);
  }

  static GitException emptyRepository(RepoUrl repo) {
    return new GitException(
        "branch_not_found",
        "repository " + repo.fullName() + " has no branch to start from",
        false);
  }

  static GitException pushRejected(String branch, String reason) {
    return new GitException(
        "push_rejected", "the git server rejected the push to " + branch + ": " + reason, false);
  }

  static GitException network(String host, String detail) {
    return new GitException("git_network", "could not reach " + host + ": " + detail, true);
  }

  static GitException workspace(String problem) {
    return new GitException(
        "git_workspace", "the task workspace cannot be published: " + problem, false);
  }

  /** The host's own disk failed under the clone: another attempt gets a fresh workspace. */
  static GitException hostDisk(String problem) {
    return new GitException(
        "git_workspace", "the host could not prepare the task workspace: " + problem, true);
  }

  static GitException cloneTimeout(java.time.Duration limit) {
    return new GitException(
        "git_clone_timeout", "the clone took longer than " + readable(limit), false);
  }

  static GitException diskFull(String what) {
    return new GitException("git_disk_full", what + " does not fit in the task's disk", false);
  }

  private static String readable(java.time.Duration limit) {
    long seconds = limit.toSeconds();
    if (seconds >= 60 && seconds % 60 == 0) {
      return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
    }
    return seconds >= 1
        ? seconds + (seconds == 1 ? " second" : " seconds")
        : limit.toMillis() + " ms";
  }

  static GitException pullRequest(RepoUrl repo, String detail) {
    return new GitException(
        "pr_failed", "could not open a pull request on " + repo.fullName() + ": " + detail, false);
  }
}
