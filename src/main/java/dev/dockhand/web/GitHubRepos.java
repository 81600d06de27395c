package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.Json;
import dev.dockhand.auth.User;
import dev.dockhand.auth.Users;
import dev.dockhand.config.Secret;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.RepoUrl;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repositories the caller can push to, from GitHub's {@code GET /user/repos}; the 300 most
 * recently pushed. Signed in with GitHub, with the token stored at login; in local mode, with
 * {@code DOCKHAND_GIT_TOKEN}. Thread-safe.
 */
public final class GitHubRepos implements RepoLister {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** Pages of 100 followed at most: the picker shows the 300 most recently pushed. */
  static final int MAX_PAGES = 3;

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final Function<User, Optional<Secret>> tokens;
  private final Supplier<ApiException> refused;
  private final URI apiUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private GitHubRepos(
      Function<User, Optional<Secret>> tokens, Supplier<ApiException> refused, URI apiUrl) {
    this.tokens = tokens;
    this.refused = refused;
    this.apiUrl = apiUrl;
  }

  /** With the token each user's GitHub sign-in stored. */
  public static GitHubRepos signedIn(Users users, URI apiUrl) {
    Function<User, Optional<Secret>> stored =
        user -> {
          try {
            return users.gitToken(user.id());
          } catch (DockhandException unreadable) {
            throw signInAgain();
          }
        };
    return new GitHubRepos(stored, GitHubRepos::signInAgain, apiUrl);
  }

  /**
   * Local mode: with {@code DOCKHAND_GIT_TOKEN}, if set and if tasks may name GitHub repositories
   * at all (GITHUB_URL's host is among DOCKHAND_GIT_HOSTS), so the token goes nowhere it would not
   * go anyway; otherwise nothing is listed and people type the URL.
   */
  public static RepoLister local(GitSettings git) {
    if (git.localToken().isEmpty() || !RepoUrl.githubAllowed(git)) {
      return RepoLister.NONE;
    }
    return new GitHubRepos(
        user -> git.localToken(),
        () ->
            new ApiException(
                403,
                "github_token_rejected",
                "GitHub refused DOCKHAND_GIT_TOKEN; set a valid token",
                Optional.empty()),
        git.githubApiUrl());
  }

  @Override
  public List<Repo> list(User user) {
    Optional<Secret> token = tokens.apply(user);
    if (token.isEmpty()) {
      return List.of();
    }
    String base = apiUrl.toString().replaceAll("/+$", "");
    List<Repo> repos = new ArrayList<>();
    Optional<URI> next = Optional.of(URI.create(base + "/user/repos?per_page=100&sort=pushed"));
    for (int page = 0; page < MAX_PAGES && next.isPresent(); page++) {
      next = page(next.get(), token.get(), repos);
    }
    return repos;
  }

  /** Adds one page's repositories to {@code into}; the next page's URL, if GitHub gave one. */
  private Optional<URI> page(URI url, Secret token, List<Repo> into) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token.reveal())
            .header("Accept", "application/vnd.github+json")
            .GET()
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 401) {
        throw refused.get();
      }
      if (response.statusCode() != 200) {
        throw unavailable();
      }
      for (JsonNode repo : Json.MAPPER.readTree(response.body())) {
        if (repo.path("permissions").path("push").asBoolean(true)) {
          into.add(
              new Repo(
                  repo.path("full_name").asText(),
                  repo.path("clone_url").asText(),
                  Optional.ofNullable(repo.path("default_branch").textValue()),
                  repo.path("private").asBoolean()));
        }
      }
      return response.headers().firstValue("Link").flatMap(this::nextPage);
    } catch (IOException e) {
      throw unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable();
    }
  }

  /**
   * The {@code rel="next"} URL of a Link header, only if it is on the API's own origin: the token
   * goes nowhere else.
   */
  private Optional<URI> nextPage(String link) {
    Matcher next = NEXT.matcher(link);
    if (!next.find()) {
      return Optional.empty();
    }
    try {
      URI url = new URI(next.group(1));
      boolean sameOrigin =
          apiUrl.getScheme().equalsIgnoreCase(url.getScheme())
              && apiUrl.getHost().equalsIgnoreCase(url.getHost())
              && apiUrl.getPort() == url.getPort();
      return sameOrigin ? Optional.of(url) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static ApiException signInAgain() {
    return new ApiException(
        403,
        "github_token_expired",
        "GitHub refused the stored token; sign in again",
        Optional.empty());
  }

  private static DockhandException unavailable() {
    return new DockhandException(
        "upstream_unavailable", "GitHub could not list repositories; try again", true, null);
  }
}
