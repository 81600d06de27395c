package dev.dockhand.git;

import dev.dockhand.config.Secret;

/**
 * What the finish step needs besides the workspace.
 *
 * @param taskId the task's id, for the link back from the pull request
 * @param shortId the short id that names the branch {@code dockhand/<shortId>}
 * @param prompt what the user asked for: the commit message comes from it, and the pull request's
 *     title when the agent left no summary
 * @param summary the agent's closing words: the pull request's title and the start of its body
 * @param user the person who asked, credited as co-author
 * @param token the user's git token, used for the push and the API
 * @param pullRequest whether to open (or find) the pull request after the push; false keeps the
 *     work on its branch alone (a task stopped by a limit before it finished)
 * @param report the model, turns, cost and checks the pull request's body reports
 */
public record PublishRequest(
    String taskId,
    String shortId,
    String prompt,
    String summary,
    GitIdentity user,
    Secret token,
    boolean pullRequest,
    RunReport report) {

  /** A request whose pull request reports nothing of the run. */
  public PublishRequest(
      String taskId,
      String shortId,
      String prompt,
      String summary,
      GitIdentity user,
      Secret token,
      boolean pullRequest) {
    this(taskId, shortId, prompt, summary, user, token, pullRequest, RunReport.NONE);
  }

  /** The pull request opens as a draft when the checks ran and failed. */
  public boolean draft() {
    return report.checks().map(checks -> !checks.result().succeeded()).orElse(false);
  }

  /** The same request, pushed with {@code other} (a token fresher than the clone's). */
  public PublishRequest withToken(Secret other) {
    return new PublishRequest(taskId, shortId, prompt, summary, user, other, pullRequest, report);
  }
}
