package dev.dockhand.githubapp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.git.RefNames;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a webhook payload into a {@link Request}: the one place where what GitHub's deliveries say
 * crosses into Dockhand. Only the members named here are read; owner and repository names and
 * branches are checked against the rules the rest of Dockhand uses, texts are cut to {@link
 * #MAX_TEXT} characters, and anything that does not fit is dropped (empty), never guessed at.
 * Stateless.
 */
final class Payloads {
  /** GitHub's own limit for an issue or comment body. */
  static final int MAX_TEXT = 65_536;

  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,38}(\\[bot])?");
  private static final Set<String> FAILED = Set.of("failure", "timed_out");

  private Payloads() {}

  static Optional<Request> read(String event, JsonNode payload) {
    Optional<Request.Repo> repo = repo(payload);
    if (repo.isEmpty()) {
      return Optional.empty();
    }
    String action = payload.path("action").asText("");
    return switch (event) {
      case "issues" -> action.equals("opened") ? issue(repo.get(), payload) : Optional.empty();
      case "issue_comment" ->
          action.equals("created") ? comment(repo.get(), payload) : Optional.empty();
      case "pull_request_review" ->
          action.equals("submitted")
              ? review(repo.get(), payload, payload.path("review").path("id"))
              : Optional.empty();
      case "pull_request_review_comment" ->
          action.equals("created")
              ? review(repo.get(), payload, payload.path("comment").path("pull_request_review_id"))
              : Optional.empty();
      case "workflow_run" ->
          action.equals("completed") ? workflowRun(repo.get(), payload) : Optional.empty();
      case "check_suite" ->
          action.equals("completed") ? checkSuite(repo.get(), payload) : Optional.empty();
      default -> Optional.empty();
    };
  }

  private static Optional<Request.Repo> repo(JsonNode payload) {
    JsonNode repository = payload.path("repository");
    String owner = repository.path("owner").path("login").asText("");
    String name = repository.path("name").asText("");
    long installation = payload.path("installation").path("id").asLong(0);
    if (!OWNER.matcher(owner).matches() || !NAME.matcher(name).matches() || installation <= 0) {
      return Optional.empty();
    }
    return Optional.of(new Request.Repo(owner, name, installation));
  }

  private static Optional<Request> issue(Request.Repo repo, JsonNode payload) {
    JsonNode issue = payload.path("issue");
    if (issue.has("pull_request")) {
      return Optional.empty();
    }
    return author(issue.path("user"))
        .flatMap(
            author ->
                number(issue)
                    .map(
                        number ->
                            new Request.IssueOpened(
                                repo,
                                issue.path("id").asLong(),
                                number,
                                author,
                                text(issue.path("title")),
                                text(issue.path("body")))));
  }

  private static Optional<Request> comment(Request.Repo repo, JsonNode payload) {
    JsonNode issue = payload.path("issue");
    JsonNode comment = payload.path("comment");
    long id = comment.path("id").asLong(0);
    if (id <= 0) {
      return Optional.empty();
    }
    return author(comment.path("user"))
        .flatMap(
            author ->
                number(issue)
                    .map(
                        number ->
                            new Request.Comment(
                                repo,
                                id,
                                number,
                                issue.has("pull_request"),
                                author,
                                text(comment.path("body")),
                                text(issue.path("title")),
                                text(issue.path("body")))));
  }

  private static Optional<Request> review(Request.Repo repo, JsonNode payload, JsonNode reviewId) {
    long id = reviewId.asLong(0);
    if (id <= 0) {
      return Optional.empty();
    }
    return number(payload.path("pull_request")).map(number -> new Request.Review(repo, id, number));
  }

  private static Optional<Request> workflowRun(Request.Repo repo, JsonNode payload) {
    JsonNode run = payload.path("workflow_run");
    return ciFailure(repo, run, new Request.CiSource.WorkflowRun(run.path("id").asLong(0)));
  }

  private static Optional<Request> checkSuite(Request.Repo repo, JsonNode payload) {
    JsonNode suite = payload.path("check_suite");
    // GitHub Actions' suites come again as workflow_run events, which say more: read those.
    if (suite.path("app").path("slug").asText("").equals("github-actions")) {
      return Optional.empty();
    }
    return ciFailure(repo, suite, new Request.CiSource.CheckSuite(suite.path("id").asLong(0)));
  }

  private static Optional<Request> ciFailure(
      Request.Repo repo, JsonNode run, Request.CiSource source) {
    long id =
        switch (source) {
          case Request.CiSource.WorkflowRun workflow -> workflow.id();
          case Request.CiSource.CheckSuite suite -> suite.id();
        };
    String sha = run.path("head_sha").asText("");
    if (id <= 0
        || !FAILED.contains(run.path("conclusion").asText(""))
        || !sha.matches("[0-9a-f]{40}")) {
      return Optional.empty();
    }
    return branch(run.path("head_branch").asText(""))
        .map(branch -> new Request.CiFailed(repo, branch, sha, source));
  }

  static Optional<String> branch(String name) {
    try {
      return Optional.of(RefNames.requireBranch(name));
    } catch (InvalidInputException refused) {
      return Optional.empty();
    }
  }

  static Optional<Request.Author> author(JsonNode user) {
    String login = user.path("login").asText("");
    long id = user.path("id").asLong(0);
    if (!LOGIN.matcher(login).matches() || id <= 0) {
      return Optional.empty();
    }
    boolean bot = user.path("type").asText("").equals("Bot") || login.endsWith("[bot]");
    return Optional.of(new Request.Author(id, login, bot));
  }

  private static Optional<Integer> number(JsonNode issueOrPull) {
    int number = issueOrPull.path("number").asInt(0);
    return number > 0 ? Optional.of(number) : Optional.empty();
  }

  static String text(JsonNode value) {
    String text = value.isTextual() ? value.asText() : "";
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
  }
}
