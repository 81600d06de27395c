package dev.dockhand.git;

import java.net.URI;
import java.util.Optional;

/**
 * The finish step: commit what the agent changed, push {@code dockhand/<short-id>}, and open (or
 * find) the pull request. Safe to repeat for the same task: the push replaces the task's own branch
 * and the host finds the pull request an earlier attempt opened, so a retry after a crash leaves
 * one branch and one pull request. Thread-safe; a workspace is used by one call at a time.
 */
public final class GitPublisher {
  static final int SUBJECT_LIMIT = 72;
  private static final int PROMPT_LIMIT = 10_000;

  private final GitHost host;
  private final Optional<URI> publicUrl;
  private final PublishTarget.Lookup targets;

  /** {@code publicUrl} (DOCKHAND_PUBLIC_URL) makes the pull request link back to the task. */
  public GitPublisher(GitHost host, Optional<URI> publicUrl) {
    this(host, publicUrl, PublishTarget.Lookup.NONE);
  }

  /**
   * As above, with the tasks whose work goes elsewhere than their own branch found in {@code
   * targets}.
   */
  public GitPublisher(GitHost host, Optional<URI> publicUrl, PublishTarget.Lookup targets) {
    this.host = host;
    this.publicUrl = publicUrl;
    this.targets = targets;
  }

  public PublishResult publish(GitWorkspace workspace, PublishRequest request) {
    PublishTarget target = targets.of(request.taskId());
    String branch = target.branch().orElseGet(() -> RefNames.taskBranch(request.shortId()));
    Optional<String> commit =
        workspace.commitAll(commitMessage(request.prompt()), GitIdentity.AGENT, request.user());
    if (commit.isEmpty()) {
      return PublishResult.NOTHING;
    }
    String diff = workspace.diff(workspace.baseCommit(), commit.get());
    if (target.branch().isPresent()) {
      // Someone else's branch: never replace what they pushed meanwhile.
      workspace.pushFastForward(branch, request.token());
      return new PublishResult(commit, Optional.of(branch), target.pullRequestUrl(), diff);
    }
    workspace.push(branch, request.token());
    if (!request.pullRequest()) {
      return new PublishResult(commit, Optional.of(branch), Optional.empty(), diff);
    }
    Optional<String> pullRequest =
        host.openPullRequest(
            workspace.repo(),
            branch,
            workspace.baseBranch(),
            subject(request.prompt()),
            pullRequestBody(request, target),
            request.token());
    return new PublishResult(commit, Optional.of(branch), pullRequest, diff);
  }

  /** The prompt's first line, tidied and cut to {@value #SUBJECT_LIMIT} characters. */
  static String subject(String prompt) {
    String firstLine =
        prompt == null
            ? ""
            : prompt
                .strip()
                .lines()
                .findFirst()
                .orElse("")
                .replaceAll("[\\p{Cntrl}\\s]+", " ")
                .strip();
    if (firstLine.isEmpty()) {
      return "Changes made by Dockhand";
    }
    return firstLine.length() <= SUBJECT_LIMIT
        ? firstLine
        : firstLine.substring(0, SUBJECT_LIMIT - 1).strip() + "…";
  }

  static String commitMessage(String prompt) {
    String subject = subject(prompt);
    String whole = cut(prompt == null ? "" : prompt.strip(), PROMPT_LIMIT);
    return whole.isEmpty() || whole.equals(subject) ? subject : subject + "\n\n" + whole;
  }

  private String pullRequestBody(PublishRequest request, PublishTarget target) {
    String summary = request.summary() == null ? "" : request.summary().strip();
    StringBuilder body = new StringBuilder();
    body.append(summary.isEmpty() ? "The agent left no summary." : cut(summary, PROMPT_LIMIT));
    body.append("\n\n---\n\n**Prompt**\n\n");
    cut(request.prompt().strip(), PROMPT_LIMIT)
        .lines()
        .forEach(line -> body.append("> ").append(line).append('\n'));
    body.append("\nOpened by Dockhand for ").append(taskReference(request.taskId())).append(".\n");
    target.closesIssue().ifPresent(issue -> body.append("\nFixes #").append(issue).append("\n"));
    return body.toString();
  }

  private String taskReference(String taskId) {
    return publicUrl
        .map(
            url ->
                "[task "
                    + taskId
                    + "]("
                    + url.toString().replaceAll("/+$", "")
                    + "/#/tasks/"
                    + taskId
                    + ")")
        .orElse("task " + taskId);
  }

  private static String cut(String text, int limit) {
    return text.length() <= limit ? text : text.substring(0, limit) + "…";
  }
}
