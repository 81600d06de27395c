package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.Json;
import dev.dockhand.auth.User;
import dev.dockhand.auth.Users;
import dev.dockhand.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The repositories the signed-in user can push to, from GitHub's {@code GET /user/repos} with the
 * token stored at login; the 100 most recently pushed. Thread-safe.
 */
public final class GitHubRepos implements RepoLister {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final Users users;
  private final URI apiUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  public GitHubRepos(Users users, URI apiUrl) {
    this.users = users;
    this.apiUrl = apiUrl;
  }

  @Override
  public List<Repo> list(User user) {
    Optional<Secret> token;
    try {
      token = users.gitToken(user.id());
    } catch (DockhandException unreadable) {
      throw signInAgain();
    }
    if (token.isEmpty()) {
      return List.of();
    }
    String base = apiUrl.toString().replaceAll("/+$", "");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/user/repos?per_page=100&sort=pushed"))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token.get().reveal())
            .header("Accept", "application/vnd.github+json")
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {
        throw signInAgain();
      }
      if (response.statusCode() != 200) {
        throw unavailable();
      }
      List<Repo> repos = new ArrayList<>();
      for (JsonNode repo : Json.MAPPER.readTree(response.body())) {
        if (repo.path("permissions").path("push").asBoolean(true)) {
          repos.add(
              new Repo(
                  repo.path("full_name").asText(),
                  repo.path("clone_url").asText(),
                  Optional.ofNullable(repo.path("default_branch").textValue()),
                  repo.path("private").asBoolean()));
        }
      }
      return repos;
    } catch (IOException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
  }

  private static ApiException signInAgain() {
    return new ApiException(
        403, "github_token_expired", "GitHub refused the stored token; sign in again", Optional.empty());
  }

  private static DockhandException unavailable() {
    return new DockhandException(
        "upstream_unavailable", "GitHub could not list repositories; try again", true, null);
  }
}
