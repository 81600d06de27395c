package dev.dockhand.githubapp;

import dev.dockhand.auth.AccessRules;
import dev.dockhand.auth.Auth;
import dev.dockhand.auth.User;
import dev.dockhand.config.Secret;
import dev.dockhand.github.GitHubClient;
import dev.dockhand.github.GitHubResponse;
import dev.dockhand.github.InstallationTokens;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may ask the App for work: someone with write, maintain or admin permission on the repository
 * (asked of GitHub, the answer kept {@link #PERMISSION_FOR}) whom the sign-in allowlist lets in;
 * they become the task's user. Organisation and team rules are asked of GitHub with a token of the
 * App's installation on that organisation ({@code members: read}); where the App has none, the rule
 * vouches for nobody. Thread-safe.
 */
final class Commenters {
  private static final Logger log = LoggerFactory.getLogger(Commenters.class);
  static final Duration PERMISSION_FOR = Duration.ofSeconds(60);
  private static final Set<String> WRITERS = Set.of("admin", "maintain", "write");

  /** Whether they may ask, and as whom; or why not, for the reply. */
  sealed interface Verdict {
    record Admitted(User user) implements Verdict {}

    record Refused(String why) implements Verdict {}
  }

  private record Known(String role, Instant until) {}

  private final AppApi api;
  private final Auth auth;
  private final GitHubClient github;
  private final InstallationTokens tokens;
  private final Clock clock;
  private final Map<String, Known> roles = new ConcurrentHashMap<>();

  Commenters(AppApi api, Auth auth, GitHubClient github, InstallationTokens tokens, Clock clock) {
    this.api = api;
    this.auth = auth;
    this.github = github;
    this.tokens = tokens;
    this.clock = clock;
  }

  Verdict admit(Request.Repo repo, Request.Author author) {
    String role = role(repo, author.login());
    if (!WRITERS.contains(role)) {
      return new Verdict.Refused(
          "only people with write access to " + repo.fullName() + " can ask me for changes");
    }
    return auth.admitFromGitHubApp(
            author.id(), author.login(), rule -> member(rule, author.login()))
        .<Verdict>map(Verdict.Admitted::new)
        .orElseGet(
            () ->
                new Verdict.Refused(
                    "@"
                        + author.login()
                        + " is not on this Dockhand server's list of people who may use it"));
  }

  private String role(Request.Repo repo, String login) {
    String key = repo.key() + "@" + login.toLowerCase(Locale.ROOT);
    Known known = roles.get(key);
    if (known != null && clock.instant().isBefore(known.until())) {
      return known.role();
    }
    String role = api.permission(repo, login);
    roles.put(key, new Known(role, clock.instant().plus(PERMISSION_FOR)));
    return role;
  }

  private boolean member(AccessRules.OrgRule rule, String login) {
    try {
      Optional<Long> installation = tokens.installationForOrg(rule.org());
      if (installation.isEmpty()) {
        return false;
      }
      Secret token =
          tokens.token(installation.get(), Optional.empty(), InstallationTokens.READ_MEMBERS);
      String user = AppApi.segment(login);
      String org = AppApi.segment(rule.org());
      if (rule.team().isEmpty()) {
        // 204 for a member; 404, or a redirect to the public list, for anyone else.
        return github.get("orgs/" + org + "/members/" + user, token).status() == 204;
      }
      GitHubResponse team =
          github.get(
              "orgs/"
                  + org
                  + "/teams/"
                  + AppApi.segment(rule.team().get())
                  + "/memberships/"
                  + user,
              token);
      return team.ok()
          && team.json().map(json -> "active".equals(json.path("state").asText())).orElse(false);
    } catch (RuntimeException unanswered) {
      log.warn(
          "GitHub could not be asked whether @{} is in {} for the GitHub App: {}",
          login,
          rule,
          unanswered.getMessage());
      return false;
    }
  }
}
