package dev.dockhand.githubapp;

import dev.dockhand.events.EventLog;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says on GitHub what became of a request: 👀 on what asked, at once; a comment linking the live
 * task; and, once the task ends, that comment edited in place with the summary, the checks result
 * and the cost, or why it failed. The end is found by {@link #reportEnded()}, run whenever a task
 * changes and now and then, so a report a crash interrupted is made later. Thread-safe.
 */
final class Progress {
  private static final Logger log = LoggerFactory.getLogger(Progress.class);

  private final AppApi api;
  private final GitHubLinks links;
  private final TaskQueue queue;
  private final TaskReport reports;
  private final Supplier<URI> publicUrl;

  Progress(
      AppApi api, GitHubLinks links, TaskQueue queue, EventLog events, Supplier<URI> publicUrl) {
    this.api = api;
    this.links = links;
    this.queue = queue;
    this.reports = new TaskReport(events);
    this.publicUrl = publicUrl;
  }

  /**
   * 👀 on {@code subject} ({@code issues/7}, {@code issues/comments/12}…); never fails the work.
   */
  void seen(Request.Repo repo, String subject) {
    try {
      api.react(repo, subject);
    } catch (RuntimeException e) {
      log.warn("could not react to {} on {}: {}", subject, repo.fullName(), e.getMessage());
    }
  }

  /** Records the request for {@code taskId} and posts its comment, unless an earlier try did. */
  void started(String key, Request.Repo repo, int number, String taskId) {
    links.open(key, Optional.of(taskId), repo, number);
    if (links.commentOf(key).isEmpty()) {
      long comment =
          api.comment(
              repo,
              number,
              "👀 On it: [task "
                  + taskId
                  + "]("
                  + taskLink(taskId)
                  + ") (live). I'll update this comment when it ends.");
      links.comment(key, comment);
    }
  }

  /** One reply for a request that starts nothing, however often it is delivered. */
  void refused(String key, Request.Repo repo, int number, String why) {
    if (links.open(key, Optional.empty(), repo, number)) {
      api.comment(repo, number, "Sorry, I can't take this on: " + why + ".");
    }
  }

  /** Edits the comment of each request whose task has ended since it was made. */
  void reportEnded() {
    for (GitHubLinks.Unreported request : links.unreported()) {
      Optional<Task> task = queue.get(request.taskId());
      boolean ended =
          task.filter(found -> found.status().terminal())
              .flatMap(Task::finishedAt)
              .filter(at -> at.toEpochMilli() >= request.createdAt())
              .isPresent();
      if (task.isEmpty() || !ended) {
        continue;
      }
      try {
        api.editComment(
            request.repo(),
            request.commentId(),
            reports.of(task.get(), taskLink(request.taskId())));
        links.reported(request.key());
      } catch (RuntimeException e) {
        log.warn(
            "could not report task {} on {}#{}: {}",
            request.taskId(),
            request.repo().fullName(),
            request.number(),
            e.getMessage());
      }
    }
  }

  private String taskLink(String taskId) {
    return publicUrl.get().toString().replaceAll("/+$", "") + "/#/tasks/" + taskId;
  }
}
