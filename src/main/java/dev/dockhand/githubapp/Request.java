package dev.dockhand.githubapp;

import java.util.Locale;

/**
 * What a webhook delivery asks of Dockhand, read out of its payload by {@link Payloads}: every name
 * here has been checked, every text bounded. A closed set, handled by an exhaustive switch.
 */
sealed interface Request {
  /** Where it happened: the repository and the App's installation covering it. */
  Repo repo();

  /** A repository by owner and name (GitHub's spelling), and the installation that covers it. */
  record Repo(String owner, String name, long installationId) {
    String fullName() {
      return owner + "/" + name;
    }

    /** The form stored in Dockhand's tables: owner/name in lower case. */
    String key() {
      return fullName().toLowerCase(Locale.ROOT);
    }
  }

  /** Who wrote it: GitHub's numeric id and login, and whether the account is a bot. */
  record Author(long id, String login, boolean bot) {}

  /** A new issue, whose body may mention the App. */
  record IssueOpened(Repo repo, long issueId, int number, Author author, String title, String body)
      implements Request {}

  /** A new comment on an issue or on a pull request's conversation. */
  record Comment(
      Repo repo,
      long commentId,
      int number,
      boolean onPullRequest,
      Author author,
      String body,
      String issueTitle,
      String issueBody)
      implements Request {}

  /**
   * A pull request review, or an inline comment of one: either way the whole review (its body and
   * every comment of it) is read back from GitHub and becomes one request.
   */
  record Review(Repo repo, long reviewId, int number) implements Request {}

  /** A CI run that completed with failure on {@code branch} at {@code sha}. */
  record CiFailed(Repo repo, String branch, String sha, CiSource source) implements Request {}

  /** Which CI run failed, as the API names it. */
  sealed interface CiSource {
    /** A GitHub Actions workflow run: its jobs and their logs say why. */
    record WorkflowRun(long id) implements CiSource {}

    /** Another app's check suite: its check runs' output says why. */
    record CheckSuite(long id) implements CiSource {}
  }
}
