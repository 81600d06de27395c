package dev.dockhand.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.config.Secret;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.GitHubResponse;
import dev.dockhand.github.InstallationTokens;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the App asks of GitHub's REST API about one repository, each call with an installation token
 * narrowed to that repository: permissions, reactions, comments, pull requests and reviews, and a
 * failed CI run's jobs, logs and check runs. What GitHub answers is read member by member, texts
 * bounded as {@link Payloads} bounds them. Thread-safe.
 */
final class AppApi {
  /** A job log's tail kept for the agent. */
  static final int LOG_TAIL_BYTES = 6 * 1024;

  private final GitHubClient github;
  private final InstallationTokens tokens;

  AppApi(GitHubClient github, InstallationTokens tokens) {
    this.github = github;
    this.tokens = tokens;
  }

  /** A pull request as far as follow-ups need it. */
  record Pull(
      int number,
      String title,
      String body,
      String htmlUrl,
      String headRef,
      String headRepo,
      String state) {}

  /** One inline comment of a review: where it points and what it says. */
  record ReviewComment(long id, String path, int line, String diffHunk, String body) {}

  /** A review and its inline comments. */
  record Review(Request.Author author, String body, List<ReviewComment> comments) {}

  /** A failed job or check run: its name and what it printed last. */
  record Failure(String name, String tail) {}

  /** The commenter's role on the repository: admin, maintain, write, triage, read or none. */
  String permission(Request.Repo repo, String login) {
    JsonNode json =
        ok(
            github.get(
                repoPath(repo, "collaborators/" + segment(login) + "/permission"), work(repo)),
            "read a permission");
    String role = json.path("role_name").asText("");
    return role.isEmpty() ? json.path("permission").asText("none") : role;
  }

  /** 👀 on a comment ({@code issues/comments/…} or {@code pulls/comments/…}) or an issue. */
  void react(Request.Repo repo, String subject) {
    ok(
        github.post(repoPath(repo, subject + "/reactions"), Map.of("content", "eyes"), work(repo)),
        "react");
  }

  /** Posts a comment on an issue or pull request; returns its id. */
  long comment(Request.Repo repo, int number, String body) {
    JsonNode json =
        ok(
            github.post(
                repoPath(repo, "issues/" + number + "/comments"), Map.of("body", body), work(repo)),
            "comment");
    return json.path("id").asLong();
  }

  void editComment(Request.Repo repo, long commentId, String body) {
    ok(
        github.patch(
            repoPath(repo, "issues/comments/" + commentId), Map.of("body", body), work(repo)),
        "edit a comment");
  }

  Pull pull(Request.Repo repo, int number) {
    JsonNode json =
        ok(github.get(repoPath(repo, "pulls/" + number), work(repo)), "read a pull request");
    return new Pull(
        number,
        Payloads.text(json.path("title")),
        Payloads.text(json.path("body")),
        json.path("html_url").asText(""),
        json.path("head").path("ref").asText(""),
        json.path("head").path("repo").path("full_name").asText(""),
        json.path("state").asText(""));
  }

  Review review(Request.Repo repo, int number, long reviewId) {
    String base = "pulls/" + number + "/reviews/" + reviewId;
    JsonNode review = ok(github.get(repoPath(repo, base), work(repo)), "read a review");
    Optional<Request.Author> author = Payloads.author(review.path("user"));
    List<ReviewComment> comments = new ArrayList<>();
    for (GitHubResponse page :
        github.getPages(repoPath(repo, base + "/comments?per_page=100"), work(repo), 3)) {
      for (JsonNode comment : ok(page, "read a review's comments")) {
        comments.add(
            new ReviewComment(
                comment.path("id").asLong(),
                Payloads.text(comment.path("path")),
                comment.path("line").asInt(comment.path("original_line").asInt(0)),
                Payloads.text(comment.path("diff_hunk")),
                Payloads.text(comment.path("body"))));
      }
    }
    return new Review(
        author.orElseThrow(() -> new DockhandException("github_app", "a review without an author")),
        Payloads.text(review.path("body")),
        comments);
  }

  /** The failed jobs of a workflow run, each with its log's tail. */
  List<Failure> failedJobs(Request.Repo repo, long runId) {
    Secret token = readCi(repo);
    JsonNode jobs =
        ok(
            github.get(
                repoPath(repo, "actions/runs/" + runId + "/jobs?filter=latest&per_page=100"),
                token),
            "list a run's jobs");
    List<Failure> failures = new ArrayList<>();
    for (JsonNode job : jobs.path("jobs")) {
      if (job.path("conclusion").asText("").matches("failure|timed_out")) {
        failures.add(
            new Failure(
                Payloads.text(job.path("name")), logTail(repo, job.path("id").asLong(), token)));
      }
    }
    return failures;
  }

  /** The failed check runs of a check suite, each with what its output says. */
  List<Failure> failedChecks(Request.Repo repo, long suiteId) {
    JsonNode runs =
        ok(
            github.get(
                repoPath(repo, "check-suites/" + suiteId + "/check-runs?per_page=100"),
                readCi(repo)),
            "list a suite's check runs");
    List<Failure> failures = new ArrayList<>();
    for (JsonNode run : runs.path("check_runs")) {
      if (run.path("conclusion").asText("").matches("failure|timed_out")) {
        JsonNode output = run.path("output");
        String said =
            String.join(
                    "\n",
                    Payloads.text(output.path("title")),
                    Payloads.text(output.path("summary")),
                    Payloads.text(output.path("text")))
                .strip();
        failures.add(new Failure(Payloads.text(run.path("name")), tail(said)));
      }
    }
    return failures;
  }

  /** GitHub answers a log request with a redirect to a short-lived address; that is read bare. */
  private String logTail(Request.Repo repo, long jobId, Secret token) {
    GitHubResponse answer = github.get(repoPath(repo, "actions/jobs/" + jobId + "/logs"), token);
    Optional<String> location =
        answer.status() / 100 == 3 ? answer.header("Location") : Optional.empty();
    if (location.isEmpty()) {
      return "(the log could not be read: GitHub answered " + answer.status() + ")";
    }
    return github.downloadTail(URI.create(location.get()), LOG_TAIL_BYTES);
  }

  private static String tail(String text) {
    return text.length() <= LOG_TAIL_BYTES ? text : text.substring(text.length() - LOG_TAIL_BYTES);
  }

  private Secret work(Request.Repo repo) {
    return tokens.token(repo.installationId(), Optional.of(repo.name()), InstallationTokens.WORK);
  }

  private Secret readCi(Request.Repo repo) {
    return tokens.token(
        repo.installationId(), Optional.of(repo.name()), InstallationTokens.READ_CI);
  }

  private static String repoPath(Request.Repo repo, String rest) {
    return "repos/" + repo.owner() + "/" + repo.name() + "/" + rest;
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static JsonNode ok(GitHubResponse answer, String what) {
    if (answer.ok()) {
      return answer.json().orElseGet(dev.dockhand.Json.MAPPER::createObjectNode);
    }
    boolean retryable =
        answer.outcome() == GitHubResponse.Outcome.RATE_LIMITED
            || answer.outcome() == GitHubResponse.Outcome.UNAVAILABLE;
    throw new DockhandException(
        "github_app",
        "the GitHub App could not " + what + ": GitHub answered " + answer.status(),
        retryable,
        null);
  }
}
