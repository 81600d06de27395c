package dev.dockhand.git;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.Json;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Pull requests through the GitHub REST API at GITHUB_API_URL (GitHub Enterprise works the same
 * way). Looks for an open pull request for the branch before opening one, so a retried task finds
 * the one its earlier attempt opened. Thread-safe.
 */
public final class GitHubHost implements GitHost {
  static final String API_VERSION = "2022-11-28";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int MAX_DETAIL = 300;

  private final String apiBase;
  private final HttpClient http;

  public GitHubHost(URI apiUrl, HttpClient http) {
    this.apiBase = apiUrl.toString().replaceAll("/+$", "");
    this.http = http;
  }

  @Override
  public Optional<String> openPullRequest(
      RepoUrl repo, String head, String base, String title, String body, Secret token) {
    RefNames.requireBranch(head);
    RefNames.requireBranch(base);
    Optional<String> existing = findOpen(repo, head, token);
    if (existing.isPresent()) {
      return existing;
    }
    Map<String, String> request = new LinkedHashMap<>();
    request.put("title", title);
    request.put("head", head);
    request.put("base", base);
    request.put("body", body);
    HttpResponse<String> response = send(post(pullsUri(repo, ""), request, token));
    if (response.statusCode() == 201) {
      return Optional.of(htmlUrl(repo, read(repo, response.body())));
    }
    if (response.statusCode() == 422) {
      // Another attempt may have opened it between our look and our post.
      return Optional.of(findOpen(repo, head, token).orElseThrow(() -> failure(repo, response)));
    }
    throw failure(repo, response);
  }

  private Optional<String> findOpen(RepoUrl repo, String head, Secret token) {
    String query =
        "?head="
            + URLEncoder.encode(repo.owner() + ":" + head, StandardCharsets.UTF_8)
            + "&state=open&per_page=100";
    HttpResponse<String> response = send(get(pullsUri(repo, query), token));
    if (response.statusCode() != 200) {
      throw failure(repo, response);
    }
    JsonNode pulls = read(repo, response.body());
    return pulls.isArray() && !pulls.isEmpty()
        ? Optional.of(htmlUrl(repo, pulls.get(0)))
        : Optional.empty();
  }

  private URI pullsUri(RepoUrl repo, String query) {
    return URI.create(apiBase + "/repos/" + repo.owner() + "/" + repo.name() + "/pulls" + query);
  }

  private static HttpRequest get(URI uri, Secret token) {
    return headers(HttpRequest.newBuilder(uri), token).GET().build();
  }

  private static HttpRequest post(URI uri, Map<String, String> body, Secret token) {
    try {
      String json = Json.MAPPER.writeValueAsString(body);
      return headers(HttpRequest.newBuilder(uri), token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a pull request body", e);
    }
  }

  private static HttpRequest.Builder headers(HttpRequest.Builder builder, Secret token) {
    return builder
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token.reveal())
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", API_VERSION)
        .header("User-Agent", "dockhand");
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw GitException.network(request.uri().getHost(), "the GitHub API did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GitException.network(request.uri().getHost(), "interrupted");
    }
  }

  private static GitException failure(RepoUrl repo, HttpResponse<String> response) {
    int status = response.statusCode();
    boolean rateLimited =
        response.headers().firstValue("x-ratelimit-remaining").filter("0"::equals).isPresent()
            || response.headers().firstValue("retry-after").isPresent();
    if (status == 429 || status >= 500 || (status == 403 && rateLimited)) {
      return GitException.network(response.uri().getHost(), "the GitHub API answered " + status);
    }
    return switch (status) {
      case 401, 403 -> GitException.auth(repo.hostAndPort());
      case 404 -> GitException.repoNotFound(repo);
      default -> GitException.pullRequest(repo, status + " " + detail(response.body()));
    };
  }

  /** GitHub's own explanation: its message and the messages of its validation errors. */
  private static String detail(String body) {
    StringBuilder detail = new StringBuilder();
    try {
      JsonNode error = Json.MAPPER.readTree(body);
      detail.append(error.path("message").asText(""));
      for (JsonNode item : error.path("errors")) {
        String message = item.path("message").asText(item.path("code").asText(""));
        if (!message.isEmpty()) {
          detail.append(detail.isEmpty() ? "" : ": ").append(message);
        }
      }
    } catch (JsonProcessingException e) {
      detail.append("(no readable explanation)");
    }
    String printable = detail.toString().replaceAll("\\p{Cntrl}", " ").strip();
    return printable.length() <= MAX_DETAIL ? printable : printable.substring(0, MAX_DETAIL) + "…";
  }

  private static JsonNode read(RepoUrl repo, String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw GitException.pullRequest(
          repo, "the GitHub API answered with something other than JSON");
    }
  }

  private static String htmlUrl(RepoUrl repo, JsonNode pull) {
    String url = pull.path("html_url").asText("");
    if (!url.startsWith("https://") && !url.startsWith("http://")) {
      throw GitException.pullRequest(repo, "the GitHub API did not say where the pull request is");
    }
    return url;
  }
}
