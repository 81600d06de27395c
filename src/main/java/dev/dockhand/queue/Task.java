package dev.dockhand.queue;

import dev.dockhand.events.EventPayload.ChecksFinished;
import dev.dockhand.events.Usage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One row of the tasks table as clients and the pipeline see it.
 *
 * @param branch the base branch as submitted (empty: the repository's default)
 * @param egressAllow hosts the person added to the egress allowlist for this task (normal form;
 *     empty when none)
 * @param headBranch the pushed dockhand/... branch, once pushed
 * @param timings milliseconds per phase: queued, clone, restore, setup, container, firstToken,
 *     agent, checks, push, total
 * @param checks the last run of the repository's checks, once they ran
 */
public record Task(
    String id,
    long userId,
    TaskStatus status,
    int attempt,
    int maxAttempts,
    String repo,
    Optional<String> branch,
    String prompt,
    String model,
    int maxTurns,
    double budgetUsd,
    List<String> egressAllow,
    Optional<String> headBranch,
    Optional<String> baseCommit,
    Optional<String> commit,
    Optional<String> prUrl,
    Usage usage,
    Map<String, Long> timings,
    Optional<TaskError> error,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Instant updatedAt,
    Instant runAfter,
    Optional<String> leaseOwner,
    Optional<Instant> leaseExpiresAt,
    Optional<ChecksFinished> checks) {

  /** Why a task failed or was cancelled; {@code code} is stable, {@code message} for people. */
  public record TaskError(String code, String message) {}

  /** "owner/name" of a clone URL such as {@code https://github.com/owner/name.git}, for people. */
  public static String repoName(String repo) {
    String path = repo.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*/", "");
    path = path.replaceFirst("\\.git$", "").replaceFirst("/+$", "");
    return path.isEmpty() ? repo : path;
  }

  /**
   * The task as a further run of the agent in the same attempt sees it: the {@code turns} taken so
   * far off its turn limit, and their {@code usage} added to what it had spent, so the limits hold
   * for the attempt as a whole.
   */
  public Task afterTurns(int turns, Usage usage) {
    return new Task(
        id,
        userId,
        status,
        attempt,
        maxAttempts,
        repo,
        branch,
        prompt,
        model,
        Math.max(0, maxTurns - turns),
        budgetUsd,
        egressAllow,
        headBranch,
        baseCommit,
        commit,
        prUrl,
        this.usage.plus(usage),
        timings,
        error,
        createdAt,
        startedAt,
        finishedAt,
        updatedAt,
        runAfter,
        leaseOwner,
        leaseExpiresAt,
        checks);
  }

  /** The first 8 characters of the id, used in branch names. */
  public String shortId() {
    return id.substring(0, Math.min(8, id.length()));
  }
}
