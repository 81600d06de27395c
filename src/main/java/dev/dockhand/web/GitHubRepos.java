package dev.dockhand.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.auth.User;
import dev.dockhand.auth.Users;
import dev.dockhand.config.Secret;
import dev.dockhand.git.GitSettings;
import dev.dockhand.git.RepoUrl;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.GitHubResponse;
import dev.dockhand.github.GitHubUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The repositories the caller can push to, from GitHub's {@code GET /user/repos}; the 300 most
 * recently pushed. Signed in with GitHub, with the token stored at login; in local mode, with
 * {@code DOCKHAND_GIT_TOKEN}. Thread-safe.
 */
public final class GitHubRepos implements RepoLister {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** Pages of 100 followed at most: the picker shows the 300 most recently pushed. */
  static final int MAX_PAGES = 3;

  private final Function<User, Optional<Secret>> tokens;
  private final Supplier<ApiException> refused;
  private final GitHubClient github;

  private GitHubRepos(
      Function<User, Optional<Secret>> tokens, Supplier<ApiException> refused, URI apiUrl) {
    this.tokens = tokens;
    this.refused = refused;
    this.github = GitHubClient.create(apiUrl, TIMEOUT);
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
    List<GitHubResponse> pages;
    try {
      pages = github.getPages("user/repos?per_page=100&sort=pushed", token.get(), MAX_PAGES);
    } catch (GitHubUnavailableException e) {
      throw unavailable();
    }
    List<Repo> repos = new ArrayList<>();
    for (GitHubResponse page : pages) {
      if (page.outcome() == GitHubResponse.Outcome.UNAUTHORIZED) {
        throw refused.get();
      }
      if (page.status() != 200 || page.json().isEmpty()) {
        throw unavailable();
      }
      for (JsonNode repo : page.json().get()) {
        if (repo.path("permissions").path("push").asBoolean(true)) {
          repos.add(
              new Repo(
                  repo.path("full_name").asText(),
                  repo.path("clone_url").asText(),
                  Optional.ofNullable(repo.path("default_branch").textValue()),
                  repo.path("private").asBoolean()));
        }
      }
    }
    return repos;
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
