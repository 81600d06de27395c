package dev.dockhand.git;

import dev.dockhand.config.Secret;
import java.net.http.HttpClient;
import java.util.Optional;

/**
 * Where a repository lives, seen from after the push: some hosts open pull requests, some only take
 * the branch. Implementations are thread-safe.
 */
public interface GitHost {
  /**
   * Opens a pull request from {@code head} into {@code base}, or finds the open one that already
   * exists for {@code head}, so calling it again for the same branch opens nothing new. Returns its
   * web address, or empty where the host has no pull requests.
   */
  default Optional<String> openPullRequest(
      RepoUrl repo, String head, String base, String title, String body, Secret token) {
    return openPullRequest(repo, head, base, title, body, false, token);
  }

  /**
   * The same, as a draft when {@code draft} is set (the checks failed) where the repository takes
   * drafts; where it does not, the pull request opens ready for review and its body says why it is
   * not a draft. A pull request found open is returned as it is.
   */
  Optional<String> openPullRequest(
      RepoUrl repo,
      String head,
      String base,
      String title,
      String body,
      boolean draft,
      Secret token);

  /** The GitHub API for repositories on GITHUB_URL's host; the push alone for the others. */
  public static GitHost forRepo(RepoUrl repo, GitSettings settings, HttpClient http) {
    return repo.isGitHub(settings)
        ? new GitHubHost(settings.githubApiUrl(), http)
        : new PushOnlyHost();
  }
}
