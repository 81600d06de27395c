package dev.dockhand.git;

import dev.dockhand.config.Secret;

/**
 * What the finish step needs besides the workspace.
 *
 * @param taskId the task's id, for the link back from the pull request
 * @param shortId the short id that names the branch {@code dockhand/<shortId>}
 * @param prompt what the user asked for: the commit message and pull request title come from it
 * @param summary the agent's closing words, for the pull request body
 * @param user the person who asked, credited as co-author
 * @param token the user's git token, used for the push and the API
 * @param pullRequest whether to open (or find) the pull request after the push; false keeps the
 *     work on its branch alone (a task stopped by a limit before it finished)
 */
public record PublishRequest(
    String taskId,
    String shortId,
    String prompt,
    String summary,
    GitIdentity user,
    Secret token,
    boolean pullRequest) {

  /** The same request, pushed with {@code other} (a token fresher than the clone's). */
  public PublishRequest withToken(Secret other) {
    return new PublishRequest(taskId, shortId, prompt, summary, user, other, pullRequest);
  }
}
