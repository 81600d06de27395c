package dev.dockhand.git;

import java.net.URI;
import java.util.Optional;

/**
 * The finish step: commit what the agent changed, push {@code dockhand/<short-id>}, and open (or
 * find) the pull request, titled from the agent's summary and described for its reviewer ({@link
 * PullRequestBody}), as a draft when the checks failed. Safe to repeat for the same task: the push
 * replaces the task's own branch and the host finds the pull request an earlier attempt opened, so
 * a retry after a crash leaves one branch and one pull request. Thread-safe; a workspace is used by
 * one call at a time.
 */
public final class GitPublisher {
  static final int SUBJECT_LIMIT = PullRequestTitle.LIMIT;
  private static final int PROMPT_LIMIT = 10_000;

  /** Files a pull request's body lists with their line counts; the rest are counted. */
  static final int MAX_FILES = 50;

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
    ChangedFiles changes = workspace.changedFiles(workspace.baseCommit(), commit.get(), MAX_FILES);
    Optional<String> pullRequest =
        host.openPullRequest(
            workspace.repo(),
            branch,
            workspace.baseBranch(),
            PullRequestTitle.of(request.summary(), request.prompt()),
            PullRequestBody.of(request, changes, publicUrl)
                + target.closesIssue().map(issue -> "\nFixes #" + issue + "\n").orElse(""),
            request.draft(),
            request.token());
    return new PublishResult(commit, Optional.of(branch), pullRequest, diff);
  }

  /** The prompt's first line, tidied and cut at a word to {@value #SUBJECT_LIMIT} characters. */
  static String subject(String prompt) {
    return PullRequestTitle.subject(prompt);
  }

  static String commitMessage(String prompt) {
    String subject = subject(prompt);
    String whole = PullRequestBody.cut(prompt == null ? "" : prompt.strip(), PROMPT_LIMIT);
    return whole.isEmpty() || whole.equals(subject) ? subject : subject + "\n\n" + whole;
  }
}
