package dev.dockhand.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.DockhandException;
import dev.dockhand.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The GitHub App's access to repositories: which installation covers a repository ({@code GET
 * /repos/{owner}/{repo}/installation}, asked with the App's JWT) and tokens of that installation
 * ({@code POST /app/installations/{id}/access_tokens}), each narrowed to one repository and to the
 * permissions its use needs. A token is kept until {@link #REFRESH_BEFORE} ahead of its {@code
 * expires_at}; which installation covers a repository is kept {@link #INSTALLED_FOR} (or {@link
 * #ABSENT_FOR} when none does). Tokens never leave through a message or a log line. Thread-safe.
 */
public final class InstallationTokens {
  static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
  static final Duration INSTALLED_FOR = Duration.ofMinutes(10);
  static final Duration ABSENT_FOR = Duration.ofMinutes(1);

  /** What clone, push, pull requests, comments, reactions and checks need. */
  public static final Map<String, String> WORK =
      ordered("contents", "write", "pull_requests", "write", "issues", "write", "checks", "write");

  /** What reading failed CI needs: workflow runs, their jobs and logs, and check runs. */
  public static final Map<String, String> READ_CI = ordered("actions", "read", "checks", "read");

  /** What asking an organisation's membership needs (an organisation permission). */
  public static final Map<String, String> READ_MEMBERS = ordered("members", "read");

  private record Installed(Optional<Long> id, Instant until) {}

  private record Key(long installation, String repo, Map<String, String> permissions) {}

  private record Token(Secret value, Instant expiresAt) {}

  private final GitHubClient github;
  private final AppJwt jwt;
  private final Clock clock;
  private final Map<String, Installed> installations = new ConcurrentHashMap<>();
  private final Map<Key, Token> tokens = new ConcurrentHashMap<>();

  public InstallationTokens(GitHubClient github, AppJwt jwt, Clock clock) {
    this.github = github;
    this.jwt = jwt;
    this.clock = clock;
  }

  /** The installation that covers {@code owner/name}, if the App is installed there. */
  public Optional<Long> installationFor(String owner, String name) {
    return installation(repoKey(owner, name), "repos/" + repoKey(owner, name) + "/installation");
  }

  /** The App's installation on organisation {@code org}, if it has one. */
  public Optional<Long> installationForOrg(String org) {
    String lower = org.toLowerCase(Locale.ROOT);
    return installation("org:" + lower, "orgs/" + lower + "/installation");
  }

  private Optional<Long> installation(String repo, String path) {
    Installed known = installations.get(repo);
    if (known != null && clock.instant().isBefore(known.until())) {
      return known.id();
    }
    GitHubResponse answer = github.get(path, jwt.mint());
    Optional<Long> id =
        switch (answer.outcome()) {
          case OK ->
              answer.json().map(json -> json.path("id").asLong(0)).filter(value -> value > 0);
          case NOT_FOUND -> Optional.empty();
          default -> throw refused("find the App's installation on " + repo, answer);
        };
    Duration keep = id.isPresent() ? INSTALLED_FOR : ABSENT_FOR;
    installations.put(repo, new Installed(id, clock.instant().plus(keep)));
    return id;
  }

  /** A delivery named the installation of {@code owner/name}: no need to ask for a while. */
  public void remember(long installationId, String owner, String name) {
    installations.put(
        repoKey(owner, name),
        new Installed(Optional.of(installationId), clock.instant().plus(INSTALLED_FOR)));
  }

  /** A {@link #WORK} token for {@code owner/name}, where the App is installed there. */
  public Optional<Secret> forRepository(String owner, String name) {
    return installationFor(owner, name).map(id -> token(id, Optional.of(name), WORK));
  }

  /**
   * A token of {@code installation} with {@code permissions}, for the one repository {@code name}
   * (of the installation's account), or for the account's organisation permissions when empty.
   */
  public Secret token(long installation, Optional<String> name, Map<String, String> permissions) {
    Key key =
        new Key(
            installation,
            name.map(value -> value.toLowerCase(Locale.ROOT)).orElse(""),
            permissions);
    Token known = tokens.get(key);
    if (known != null && clock.instant().isBefore(known.expiresAt().minus(REFRESH_BEFORE))) {
      return known.value();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    name.ifPresent(repo -> body.put("repositories", List.of(repo)));
    body.put("permissions", permissions);
    GitHubResponse answer =
        github.post("app/installations/" + installation + "/access_tokens", body, jwt.mint());
    if (answer.status() != 201 || answer.json().isEmpty()) {
      throw refused("get a token of installation " + installation, answer);
    }
    Token fresh = read(answer.json().get(), installation);
    tokens.put(key, fresh);
    return fresh.value();
  }

  private Token read(JsonNode json, long installation) {
    String value = json.path("token").asText("");
    if (value.isEmpty()) {
      throw new DockhandException(
          "github_app", "GitHub gave installation " + installation + " no token", true, null);
    }
    Instant expiresAt;
    try {
      expiresAt = Instant.parse(json.path("expires_at").asText(""));
    } catch (DateTimeParseException e) {
      // GitHub's tokens last an hour; without a readable expiry, trust it for ten minutes.
      expiresAt = clock.instant().plus(REFRESH_BEFORE).plus(Duration.ofMinutes(10));
    }
    return new Token(new Secret(value), expiresAt);
  }

  private static DockhandException refused(String what, GitHubResponse answer) {
    boolean retryable =
        answer.outcome() == GitHubResponse.Outcome.RATE_LIMITED
            || answer.outcome() == GitHubResponse.Outcome.UNAVAILABLE;
    String message =
        "the GitHub App could not "
            + what
            + ": GitHub answered "
            + answer.status()
            + answer
                .json()
                .map(json -> " (" + printable(json.path("message").asText("")) + ")")
                .orElse("");
    return new DockhandException("github_app", message, retryable, null);
  }

  private static String printable(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", " ").strip();
    return clean.length() <= 200 ? clean : clean.substring(0, 200) + "…";
  }

  private static String repoKey(String owner, String name) {
    return (owner + "/" + name).toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> ordered(String... pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(map);
  }
}
