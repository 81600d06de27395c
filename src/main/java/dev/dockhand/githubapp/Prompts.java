package dev.dockhand.githubapp;

import java.util.List;

/**
 * What the agent is told of a request made on GitHub. Everything quoted here was written by people
 * on GitHub and is untrusted like any prompt: it only ever reaches the model, never a shell or a
 * setting. Bounded to {@link #MAX_CHARS}. Stateless.
 */
final class Prompts {
  static final int MAX_CHARS = 60_000;

  private Prompts() {}

  static String issue(
      Request.Repo repo, int number, String title, String body, String login, String request) {
    StringBuilder prompt = new StringBuilder();
    prompt.append("Work on GitHub issue #").append(number).append(" of ").append(repo.fullName());
    prompt.append(", as @").append(login).append(" asked.\n\n");
    prompt.append("## Issue #").append(number).append(": ").append(title.strip()).append("\n\n");
    prompt.append(body.isBlank() ? "(no description)" : body.strip()).append("\n\n");
    prompt.append("## Request from @").append(login).append("\n\n");
    prompt.append(request.isBlank() ? "Resolve this issue." : request.strip()).append('\n');
    return cut(prompt);
  }

  static String pullComment(AppApi.Pull pull, String login, String request) {
    StringBuilder text = new StringBuilder();
    text.append("@").append(login).append(" commented on pull request #").append(pull.number());
    text.append(" (branch ").append(pull.headRef()).append("):\n\n");
    text.append(
        request.isBlank() ? "Please address this pull request's open points." : request.strip());
    return cut(text.append('\n'));
  }

  static String review(AppApi.Pull pull, AppApi.Review review) {
    StringBuilder text = new StringBuilder();
    text.append("@").append(review.author().login()).append(" reviewed pull request #");
    text.append(pull.number()).append(" (branch ").append(pull.headRef()).append(").\n\n");
    if (!review.body().isBlank()) {
      text.append(review.body().strip()).append("\n\n");
    }
    List<AppApi.ReviewComment> comments = review.comments();
    if (!comments.isEmpty()) {
      text.append("Address each of these ").append(comments.size()).append(" review comments:\n\n");
      for (AppApi.ReviewComment comment : comments) {
        text.append("### ").append(comment.path());
        if (comment.line() > 0) {
          text.append(", line ").append(comment.line());
        }
        text.append("\n\n```diff\n").append(comment.diffHunk().strip()).append("\n```\n\n");
        text.append(comment.body().strip()).append("\n\n");
      }
    }
    return cut(text);
  }

  /** A new task's prompt for a follow-up on a pull request it did not open. */
  static String onPullRequest(AppApi.Pull pull, String followUp) {
    StringBuilder prompt = new StringBuilder();
    prompt.append("Work on pull request #").append(pull.number()).append(" (branch ");
    prompt.append(pull.headRef()).append("); your changes are pushed to that branch.\n\n");
    prompt.append("## Pull request #").append(pull.number()).append(": ");
    prompt.append(pull.title().strip()).append("\n\n");
    prompt.append(pull.body().isBlank() ? "(no description)" : pull.body().strip()).append("\n\n");
    prompt.append("## What is asked\n\n").append(followUp.strip()).append('\n');
    return cut(prompt);
  }

  static String ciFailure(String branch, String sha, List<AppApi.Failure> failures, int max) {
    StringBuilder text = new StringBuilder();
    text.append("CI failed on branch ").append(branch).append(" at ").append(sha, 0, 12);
    text.append(" (an automatic fix round; at most ").append(max).append(" per pull request).");
    text.append(" Find the cause in the output below, fix it, and make sure it passes.\n\n");
    for (AppApi.Failure failure : failures) {
      text.append("### ").append(failure.name()).append("\n\n```\n");
      text.append(failure.tail().replace("```", "'''").strip()).append("\n```\n\n");
    }
    return cut(text);
  }

  private static String cut(StringBuilder text) {
    return text.length() <= MAX_CHARS ? text.toString() : text.substring(0, MAX_CHARS) + "\n…(cut)";
  }
}
