package dev.dockhand.githubapp;

import dev.dockhand.DockhandException;
import dev.dockhand.auth.User;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.PublishTarget;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.queue.NewTask;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import java.util.Optional;

/**
 * Turns a mention of the App into work: from an issue, a new task whose pull request closes it;
 * from a pull request, a follow-up on its head branch — a message to the Dockhand task that pushed
 * that branch when the commenter owns it, else a new task for the commenter that pushes to the same
 * branch. Each request is keyed by what asked (the issue, the comment, the review), and that key is
 * the idempotency key of the submit or message, so a delivery handled twice, or a review that
 * arrives as several events, does the work once. Thread-safe.
 */
final class Triggers {
  private final String slug;
  private final GitSettings git;
  private final TaskQueue queue;
  private final AppApi api;
  private final Commenters commenters;
  private final GitHubLinks links;
  private final Progress progress;
  private final boolean replyToStrangers;

  Triggers(
      String slug,
      GitSettings git,
      TaskQueue queue,
      AppApi api,
      Commenters commenters,
      GitHubLinks links,
      Progress progress,
      boolean replyToStrangers) {
    this.slug = slug;
    this.git = git;
    this.queue = queue;
    this.api = api;
    this.commenters = commenters;
    this.links = links;
    this.progress = progress;
    this.replyToStrangers = replyToStrangers;
  }

  /** What became of it, for the delivery's record. */
  String issue(Request.IssueOpened issue) {
    Optional<String> asked = asked(issue.author(), issue.body());
    if (asked.isEmpty()) {
      return "no mention";
    }
    String key = "issue:" + issue.issueId();
    Optional<User> user = admitted(key, issue.repo(), issue.number(), issue.author());
    if (user.isEmpty()) {
      return "refused @" + issue.author().login();
    }
    progress.seen(issue.repo(), "issues/" + issue.number());
    String prompt =
        Prompts.issue(
            issue.repo(),
            issue.number(),
            issue.title(),
            issue.body(),
            issue.author().login(),
            asked.get());
    return newTask(
        key,
        issue.repo(),
        issue.number(),
        user.get(),
        Optional.empty(),
        prompt,
        new PublishTarget(Optional.empty(), Optional.empty(), Optional.of(issue.number())));
  }

  String comment(Request.Comment comment) {
    Optional<String> asked = asked(comment.author(), comment.body());
    if (asked.isEmpty()) {
      return "no mention";
    }
    String key = "comment:" + comment.commentId();
    Optional<User> user = admitted(key, comment.repo(), comment.number(), comment.author());
    if (user.isEmpty()) {
      return "refused @" + comment.author().login();
    }
    progress.seen(comment.repo(), "issues/comments/" + comment.commentId());
    if (!comment.onPullRequest()) {
      String prompt =
          Prompts.issue(
              comment.repo(),
              comment.number(),
              comment.issueTitle(),
              comment.issueBody(),
              comment.author().login(),
              asked.get());
      return newTask(
          key,
          comment.repo(),
          comment.number(),
          user.get(),
          Optional.empty(),
          prompt,
          new PublishTarget(Optional.empty(), Optional.empty(), Optional.of(comment.number())));
    }
    AppApi.Pull pull = api.pull(comment.repo(), comment.number());
    return onPullRequest(
        key,
        comment.repo(),
        pull,
        user.get(),
        Prompts.pullComment(pull, comment.author().login(), asked.get()));
  }

  String review(Request.Review request) {
    AppApi.Review review = api.review(request.repo(), request.number(), request.reviewId());
    Optional<String> inBody = asked(review.author(), review.body());
    Optional<AppApi.ReviewComment> mentioning =
        review.comments().stream()
            .filter(comment -> asked(review.author(), comment.body()).isPresent())
            .findFirst();
    if (inBody.isEmpty() && mentioning.isEmpty()) {
      return "no mention";
    }
    String key = "review:" + request.reviewId();
    Optional<User> user = admitted(key, request.repo(), request.number(), review.author());
    if (user.isEmpty()) {
      return "refused @" + review.author().login();
    }
    progress.seen(
        request.repo(),
        mentioning
            .map(comment -> "pulls/comments/" + comment.id())
            .orElse("issues/" + request.number()));
    AppApi.Pull pull = api.pull(request.repo(), request.number());
    return onPullRequest(key, request.repo(), pull, user.get(), Prompts.review(pull, review));
  }

  private String onPullRequest(
      String key, Request.Repo repo, AppApi.Pull pull, User user, String followUp) {
    if (!pull.headRepo().equalsIgnoreCase(repo.fullName())) {
      progress.refused(
          key,
          repo,
          pull.number(),
          "this pull request's branch lives in a fork ("
              + pull.headRepo()
              + "), which I cannot push to");
      return "fork";
    }
    if (!pull.state().equals("open")) {
      progress.refused(key, repo, pull.number(), "this pull request is no longer open");
      return "closed pull request";
    }
    Optional<String> branch = Payloads.branch(pull.headRef());
    if (branch.isEmpty()) {
      return "unusable branch name";
    }
    String cloneUrl = cloneUrl(repo);
    Optional<Task> own =
        links
            .taskOnBranch(cloneUrl, branch.get())
            .flatMap(queue::get)
            .filter(task -> task.userId() == user.id());
    if (own.isPresent()) {
      try {
        queue.postMessage(own.get().id(), followUp, Optional.of(key));
      } catch (DockhandException refused) {
        return refusedWork(key, repo, pull.number(), refused);
      }
      progress.started(key, repo, pull.number(), own.get().id());
      return "follow-up to task " + own.get().id();
    }
    return newTask(
        key,
        repo,
        pull.number(),
        user,
        branch,
        Prompts.onPullRequest(pull, followUp),
        new PublishTarget(
            branch, Optional.of(pull.htmlUrl()).filter(url -> !url.isEmpty()), Optional.empty()));
  }

  private String newTask(
      String key,
      Request.Repo repo,
      int number,
      User user,
      Optional<String> branch,
      String prompt,
      PublishTarget target) {
    Task task;
    try {
      task =
          queue.submit(
              new NewTask(
                  user.id(),
                  cloneUrl(repo),
                  branch,
                  prompt,
                  Optional.empty(),
                  Optional.empty(),
                  Optional.empty()),
              Optional.of(key));
    } catch (DockhandException refused) {
      return refusedWork(key, repo, number, refused);
    }
    links.target(task.id(), target);
    progress.started(key, repo, number, task.id());
    return "task " + task.id();
  }

  /** Retryable trouble goes back to the worker; a refusal (a limit, a bad name) is said once. */
  private String refusedWork(String key, Request.Repo repo, int number, DockhandException refused) {
    if (refused.retryable()) {
      throw refused;
    }
    progress.refused(key, repo, number, refused.getMessage());
    return "refused: " + refused.code();
  }

  private Optional<User> admitted(
      String key, Request.Repo repo, int number, Request.Author author) {
    return switch (commenters.admit(repo, author)) {
      case Commenters.Verdict.Admitted admitted -> Optional.of(admitted.user());
      case Commenters.Verdict.Refused refused -> {
        if (replyToStrangers) {
          progress.refused(key, repo, number, refused.why());
        }
        yield Optional.empty();
      }
    };
  }

  /** The request, where a person (not a bot, not the App itself) mentioned the App. */
  private Optional<String> asked(Request.Author author, String text) {
    if (author.bot()) {
      return Optional.empty();
    }
    return Mentions.request(slug, text);
  }

  String cloneUrl(Request.Repo repo) {
    return RepoUrl.parse(repo.fullName(), git).cloneUrl();
  }
}
