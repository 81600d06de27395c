package dev.dockhand.githubapp;

import dev.dockhand.DockhandException;
import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskQueue;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Failing CI on a branch a Dockhand task pushed sends that task a follow-up with the failed jobs'
 * names and the tails of their logs — where the repository has it turned on ({@link RepoSettings}),
 * and at most DOCKHAND_CI_FIX_ROUNDS times per branch, once per failing head commit however many
 * events report it. Thread-safe.
 */
final class CiFixes {
  private static final Pattern PULL_NUMBER = Pattern.compile("/pull/([0-9]{1,9})$");

  private final TaskQueue queue;
  private final AppApi api;
  private final GitHubLinks links;
  private final RepoSettings settings;
  private final Progress progress;
  private final Triggers triggers;
  private final int maxRounds;

  CiFixes(
      TaskQueue queue,
      AppApi api,
      GitHubLinks links,
      RepoSettings settings,
      Progress progress,
      Triggers triggers,
      int maxRounds) {
    this.queue = queue;
    this.api = api;
    this.links = links;
    this.settings = settings;
    this.progress = progress;
    this.triggers = triggers;
    this.maxRounds = maxRounds;
  }

  String failed(Request.CiFailed failure, String deliveryId) {
    Optional<Task> task =
        links.taskOnBranch(triggers.cloneUrl(failure.repo()), failure.branch()).flatMap(queue::get);
    if (task.isEmpty()) {
      return "not a Dockhand branch";
    }
    if (!settings.ciFix(failure.repo().fullName())) {
      return "CI fixes are off for " + failure.repo().fullName();
    }
    List<AppApi.Failure> failures =
        switch (failure.source()) {
          case Request.CiSource.WorkflowRun run -> api.failedJobs(failure.repo(), run.id());
          case Request.CiSource.CheckSuite suite -> api.failedChecks(failure.repo(), suite.id());
        };
    if (failures.isEmpty()) {
      return "no failed job to report";
    }
    if (!links.takeCiRound(
        failure.repo().key(), failure.branch(), failure.sha(), deliveryId, maxRounds)) {
      return "no fix round left (or one was sent for " + failure.sha() + ")";
    }
    String key = "ci:" + failure.repo().key() + ":" + failure.sha();
    try {
      queue.postMessage(
          task.get().id(),
          Prompts.ciFailure(failure.branch(), failure.sha(), failures, maxRounds),
          Optional.of(key));
    } catch (DockhandException refused) {
      if (refused.retryable()) {
        throw refused;
      }
      return "follow-up refused: " + refused.getMessage();
    }
    pullNumber(task.get())
        .ifPresent(number -> progress.started(key, failure.repo(), number, task.get().id()));
    return "fix round sent to task " + task.get().id();
  }

  private static Optional<Integer> pullNumber(Task task) {
    return task.prUrl()
        .map(PULL_NUMBER::matcher)
        .filter(Matcher::find)
        .map(found -> Integer.parseInt(found.group(1)));
  }
}
