package dev.dockhand.githubapp;

import dev.dockhand.git.PublishTarget;
import dev.dockhand.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What ties GitHub to Dockhand's tasks: where a task's work goes ({@code github_tasks}), the
 * requests made on GitHub and the comments reporting on them ({@code github_requests}), and the fix
 * rounds failing CI has sent per branch ({@code github_ci_rounds}). Every write can be repeated: a
 * delivery handled again after a crash finds what its first try stored. Thread-safe.
 */
final class GitHubLinks implements PublishTarget.Lookup {
  private final Database database;
  private final Clock clock;

  GitHubLinks(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** A request still to be reported on: its comment, and the task whose end it waits for. */
  record Unreported(
      String key, String taskId, Request.Repo repo, int number, long commentId, long createdAt) {}

  void target(String taskId, PublishTarget target) {
    database.write(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO github_tasks (task_id, push_branch, pull_url, closes_issue)"
                        + " VALUES (:task, :branch, :pull, :issue) ON CONFLICT (task_id) DO"
                        + " NOTHING")
                .bind("task", taskId)
                .bind("branch", target.branch().orElse(null))
                .bind("pull", target.pullRequestUrl().orElse(null))
                .bind("issue", target.closesIssue().orElse(null))
                .execute());
  }

  @Override
  public PublishTarget of(String taskId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT push_branch, pull_url, closes_issue FROM github_tasks WHERE"
                            + " task_id = :task")
                    .bind("task", taskId)
                    .map(
                        (row, ctx) -> {
                          int issue = row.getInt("closes_issue");
                          Optional<Integer> closes =
                              row.wasNull() ? Optional.empty() : Optional.of(issue);
                          return new PublishTarget(
                              Optional.ofNullable(row.getString("push_branch")),
                              Optional.ofNullable(row.getString("pull_url")),
                              closes);
                        })
                    .findOne()
                    .orElse(PublishTarget.OWN_BRANCH));
  }

  /** The newest task that pushed {@code branch} of the repository cloned from {@code cloneUrl}. */
  Optional<String> taskOnBranch(String cloneUrl, String branch) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT id FROM tasks WHERE head_branch = :branch AND LOWER(repo) ="
                            + " LOWER(:repo) ORDER BY created_at DESC, id DESC LIMIT 1")
                    .bind("branch", branch)
                    .bind("repo", cloneUrl)
                    .mapTo(String.class)
                    .findOne());
  }

  /**
   * Stores a request; false when {@code key} was stored before. One with no task (a refusal) is
   * stored as reported.
   */
  boolean open(String key, Optional<String> taskId, Request.Repo repo, int number) {
    long now = clock.millis();
    return database.write(
            handle ->
                handle
                    .createUpdate(
                        "INSERT INTO github_requests (request_key, task_id, repo, installation_id,"
                            + " issue_number, created_at, reported_at) VALUES (:key, :task, :repo,"
                            + " :installation, :number, :now, :reported) ON CONFLICT"
                            + " (request_key) DO NOTHING")
                    .bind("key", key)
                    .bind("task", taskId.orElse(null))
                    .bind("repo", repo.fullName())
                    .bind("installation", repo.installationId())
                    .bind("number", number)
                    .bind("now", now)
                    .bind("reported", taskId.isPresent() ? null : now)
                    .execute())
        == 1;
  }

  Optional<Long> commentOf(String key) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT comment_id FROM github_requests WHERE request_key = :key AND"
                            + " comment_id IS NOT NULL")
                    .bind("key", key)
                    .mapTo(Long.class)
                    .findOne());
  }

  void comment(String key, long commentId) {
    update(
        "UPDATE github_requests SET comment_id = :value WHERE request_key = :key", key, commentId);
  }

  void reported(String key) {
    update(
        "UPDATE github_requests SET reported_at = :value WHERE request_key = :key",
        key,
        clock.millis());
  }

  List<Unreported> unreported() {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT request_key, task_id, repo, installation_id, issue_number,"
                            + " comment_id, created_at FROM github_requests WHERE reported_at IS"
                            + " NULL AND task_id IS NOT NULL AND comment_id IS NOT NULL ORDER BY"
                            + " created_at LIMIT 100")
                    .map(
                        (row, ctx) -> {
                          String[] repo = row.getString("repo").split("/", 2);
                          return new Unreported(
                              row.getString("request_key"),
                              row.getString("task_id"),
                              new Request.Repo(repo[0], repo[1], row.getLong("installation_id")),
                              row.getInt("issue_number"),
                              row.getLong("comment_id"),
                              row.getLong("created_at"));
                        })
                    .list());
  }

  /**
   * Takes one fix round for {@code branch} at head commit {@code sha}, if fewer than {@code max}
   * were sent and none for this commit (GitHub reports one failure through several events). A retry
   * of the delivery that took a round gets it again, not another.
   */
  boolean takeCiRound(String repoKey, String branch, String sha, String delivery, int max) {
    return database.write(
        handle -> {
          int inserted =
              max < 1
                  ? 0
                  : handle
                      .createUpdate(
                          "INSERT INTO github_ci_rounds (repo, branch, rounds, last_sha,"
                              + " last_delivery) VALUES (:repo, :branch, 1, :sha, :delivery)"
                              + " ON CONFLICT (repo, branch) DO NOTHING")
                      .bind("repo", repoKey)
                      .bind("branch", branch)
                      .bind("sha", sha)
                      .bind("delivery", delivery)
                      .execute();
          if (inserted == 1) {
            return true;
          }
          int again =
              handle
                  .createUpdate(
                      "UPDATE github_ci_rounds SET rounds = rounds + 1, last_sha = :sha,"
                          + " last_delivery = :delivery WHERE repo = :repo AND branch = :branch"
                          + " AND last_sha <> :sha AND rounds < :max")
                  .bind("repo", repoKey)
                  .bind("branch", branch)
                  .bind("sha", sha)
                  .bind("delivery", delivery)
                  .bind("max", max)
                  .execute();
          if (again == 1) {
            return true;
          }
          return handle
                  .createQuery(
                      "SELECT COUNT(*) FROM github_ci_rounds WHERE repo = :repo AND branch = :branch"
                          + " AND last_delivery = :delivery")
                  .bind("repo", repoKey)
                  .bind("branch", branch)
                  .bind("delivery", delivery)
                  .mapTo(Long.class)
                  .one()
              > 0;
        });
  }

  private void update(String sql, String key, long value) {
    database.write(
        handle -> handle.createUpdate(sql).bind("key", key).bind("value", value).execute());
  }
}
