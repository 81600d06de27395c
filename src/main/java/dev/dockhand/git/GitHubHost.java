package dev.dockhand.git;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.config.Secret;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.GitHubResponse;
import dev.dockhand.github.GitHubUnavailableException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Pull requests through the GitHub REST API at GITHUB_API_URL (GitHub Enterprise works the same
 * way). Looks for an open pull request for the branch before opening one, so a retried task finds
 * the one its earlier attempt opened. Thread-safe.
 */
public final class GitHubHost implements GitHost {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_DETAIL = 300;

  /** Said in the body of a pull request that should have been a draft but could not be. */
  static final String DRAFT_REFUSED =
      "\n\n> [!NOTE]\n> The checks failed, so Dockhand asked for a draft pull request, but this"
          + " repository does not take drafts: it opened ready for review. Please treat it as a"
          + " draft until the checks pass.\n";

  private final String apiHost;
  private final GitHubClient github;

  /** Over {@code http}, which must not follow redirects. */
  public GitHubHost(URI apiUrl, HttpClient http) {
    this.apiHost = apiUrl.getHost();
    this.github = new GitHubClient(apiUrl, http, REQUEST_TIMEOUT);
  }

  @Override
  public Optional<String> openPullRequest(
      RepoUrl repo,
      String head,
      String base,
      String title,
      String body,
      boolean draft,
      Secret token) {
    RefNames.requireBranch(head);
    RefNames.requireBranch(base);
    Optional<String> existing = findOpen(repo, head, token);
    if (existing.isPresent()) {
      return existing;
    }
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("title", title);
    request.put("head", head);
    request.put("base", base);
    request.put("body", body);
    if (draft) {
      request.put("draft", true);
    }
    GitHubResponse answer = create(repo, request, token);
    if (answer.status() == 422) {
      // Another attempt may have opened it between our look and our post.
      Optional<String> opened = findOpen(repo, head, token);
      if (opened.isPresent()) {
        return opened;
      }
      if (!draft) {
        throw failure(repo, answer);
      }
      // GitHub answers 422 where a repository's plan has no draft pull requests.
      request.remove("draft");
      request.put("body", body + DRAFT_REFUSED);
      GitHubResponse ready = create(repo, request, token);
      if (ready.status() == 422) {
        return Optional.of(findOpen(repo, head, token).orElseThrow(() -> failure(repo, ready)));
      }
      answer = ready;
    }
    if (answer.status() == 201) {
      return Optional.of(htmlUrl(repo, read(repo, answer)));
    }
    throw failure(repo, answer);
  }

  private GitHubResponse create(RepoUrl repo, Map<String, Object> request, Secret token) {
    return send(() -> github.post(pullsPath(repo, ""), request, token));
  }

  private Optional<String> findOpen(RepoUrl repo, String head, Secret token) {
    String query =
        "?head="
            + URLEncoder.encode(repo.owner() + ":" + head, StandardCharsets.UTF_8)
            + "&state=open&per_page=100";
    GitHubResponse answer = send(() -> github.get(pullsPath(repo, query), token));
    if (answer.status() != 200) {
      throw failure(repo, answer);
    }
    JsonNode pulls = read(repo, answer);
    return pulls.isArray() && !pulls.isEmpty()
        ? Optional.of(htmlUrl(repo, pulls.get(0)))
        : Optional.empty();
  }

  private static String pullsPath(RepoUrl repo, String query) {
    return "repos/" + repo.owner() + "/" + repo.name() + "/pulls" + query;
  }

  private GitHubResponse send(Supplier<GitHubResponse> call) {
    try {
      return call.get();
    } catch (GitHubUnavailableException e) {
      throw GitException.network(apiHost, e.getMessage());
    }
  }

  private GitException failure(RepoUrl repo, GitHubResponse answer) {
    return switch (answer.outcome()) {
      case RATE_LIMITED, UNAVAILABLE ->
          GitException.network(apiHost, "the GitHub API answered " + answer.status());
      case UNAUTHORIZED, FORBIDDEN -> GitException.auth(repo.hostAndPort());
      case NOT_FOUND -> GitException.repoNotFound(repo);
      case OK, REJECTED -> GitException.pullRequest(repo, answer.status() + " " + detail(answer));
    };
  }

  /** GitHub's own explanation: its message and the messages of its validation errors. */
  private static String detail(GitHubResponse answer) {
    if (answer.json().isEmpty()) {
      return "(no readable explanation)";
    }
    JsonNode error = answer.json().get();
    StringBuilder detail = new StringBuilder(error.path("message").asText(""));
    for (JsonNode item : error.path("errors")) {
      String message = item.path("message").asText(item.path("code").asText(""));
      if (!message.isEmpty()) {
        detail.append(detail.isEmpty() ? "" : ": ").append(message);
      }
    }
    String printable = detail.toString().replaceAll("\\p{Cntrl}", " ").strip();
    return printable.length() <= MAX_DETAIL ? printable : printable.substring(0, MAX_DETAIL) + "…";
  }

  private static JsonNode read(RepoUrl repo, GitHubResponse answer) {
    return answer
        .json()
        .orElseThrow(
            () ->
                GitException.pullRequest(
                    repo, "the GitHub API answered with something other than JSON"));
  }

  private static String htmlUrl(RepoUrl repo, JsonNode pull) {
    String url = pull.path("html_url").asText("");
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw GitException.pullRequest(repo, "the GitHub API did not say where the pull request is");
    }
    return url;
  }
}
