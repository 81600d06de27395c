package dev.dockhand.auth;

import dev.dockhand.store.Database;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Everything about who is calling: users, sessions, API tokens and, when an OAuth app is
 * configured, the GitHub login. Built once at start-up; thread-safe.
 */
public final class Auth {
  private final AuthSettings settings;
  private final Path dataDir;
  private final Users users;
  private final Sessions sessions;
  private final ApiTokens tokens;
  private final LoginLinks loginLinks;
  private final Optional<GitHubLogin> github;
  private final Optional<AccessRecheck> recheck;

  private Auth(
      AuthSettings settings,
      Path dataDir,
      Users users,
      Sessions sessions,
      ApiTokens tokens,
      LoginLinks loginLinks,
      Optional<GitHubLogin> github,
      Optional<AccessRecheck> recheck) {
    this.settings = settings;
    this.dataDir = dataDir;
    this.users = users;
    this.sessions = sessions;
    this.tokens = tokens;
    this.loginLinks = loginLinks;
    this.github = github;
    this.recheck = recheck;
  }

  /**
   * Builds the parts over {@code database}; keys and the local admin token live in {@code dataDir},
   * and a GitHub sign-in goes to {@code githubUrl} (GITHUB_URL) and {@code githubApiUrl}
   * (GITHUB_API_URL).
   */
  public static Auth create(
      AuthSettings settings,
      Path dataDir,
      URI githubUrl,
      URI githubApiUrl,
      Database database,
      Clock clock) {
    SecretBox secrets = SecretBox.load(settings.secretKey(), dataDir);
    Users users = new Users(database, secrets, clock);
    // Local mode has no GitHub to ask, and its one user is never rechecked.
    Optional<AccessCheck> access =
        settings.githubClientId().map(clientId -> new AccessCheck(settings.access(), githubApiUrl));
    Optional<GitHubLogin> github =
        access.map(
            check ->
                new GitHubLogin(
                    settings.githubClientId().orElseThrow(),
                    settings.githubClientSecret().orElseThrow(),
                    githubUrl,
                    githubApiUrl,
                    new OAuthStates(database, clock),
                    check));
    Optional<AccessRecheck> recheck =
        access.map(check -> new AccessRecheck(settings.access(), check, users, clock));
    return new Auth(
        settings,
        dataDir,
        users,
        new Sessions(database, clock, settings.sessionTtl()),
        new ApiTokens(database, clock),
        new LoginLinks(database, clock),
        github,
        recheck);
  }

  public Users users() {
    return users;
  }

  public Sessions sessions() {
    return sessions;
  }

  public ApiTokens tokens() {
    return tokens;
  }

  public LoginLinks loginLinks() {
    return loginLinks;
  }

  /** Present unless the server runs in local mode. */
  public Optional<GitHubLogin> github() {
    return github;
  }

  public boolean localMode() {
    return github.isEmpty();
  }

  /**
   * In local mode, makes sure the local user exists and, on first start, creates the admin token
   * (scope admin) and writes it to {@code <data dir>/admin-token}. Returns the token only when it
   * was created now; print the file's path, not the token, where a journal would keep it. Does
   * nothing in GitHub mode.
   */
  public Optional<String> bootstrapLocalAdmin() {
    if (!localMode()) {
      return Optional.empty();
    }
    return LocalAdmin.ensure(dataDir, users, tokens);
  }

  /** Who may sign in with GitHub, and who administers the server. */
  public AccessRules access() {
    return settings.access();
  }

  /** The local user, and the GitHub logins on DOCKHAND_ADMINS. */
  public boolean isAdmin(User user) {
    return user.local() || (!localMode() && access().isAdmin(user.login()));
  }

  /** The widest scope the user's credentials act with: admin for admins, else write. */
  public Scope widestScope(User user) {
    return isAdmin(user) ? Scope.ADMIN : Scope.WRITE;
  }

  /**
   * The user behind an {@code Authorization: Bearer} value and what the token lets them do: its
   * scope, narrowed to what the user may do today (an admin token of someone taken off
   * DOCKHAND_ADMINS acts as write). With GitHub sign-in, throws {@link AccessRevokedException} when
   * the allowlist no longer lets them in (checked again as DOCKHAND_MEMBERSHIP_RECHECK says).
   */
  public Optional<Credential> byToken(String bearer) {
    return tokens
        .authenticate(bearer)
        .flatMap(
            token ->
                stillAllowed(users.find(token.userId()))
                    .map(
                        user ->
                            new Credential(
                                user,
                                token.scope().narrowest(widestScope(user)),
                                token.expiresAt())));
  }

  /** The user behind a session cookie value; refused as {@link #byToken} says. */
  public Optional<User> bySession(String sessionId) {
    return stillAllowed(sessions.userFor(sessionId).flatMap(users::find));
  }

  /**
   * Before a task of the user runs: throws {@link AccessRevokedException} when an admin disabled
   * them or the allowlist no longer lets them in (checked again as DOCKHAND_MEMBERSHIP_RECHECK
   * says), so work queued by someone who has since lost access does not run on the server's key.
   */
  public User confirmStillAllowed(long userId) {
    User user =
        users
            .find(userId)
            .orElseThrow(() -> AccessRevokedException.ended("the task's owner no longer exists"));
    if (user.disabled()) {
      throw AccessRevokedException.ended("an admin has disabled the task's owner");
    }
    recheck.ifPresent(check -> check.confirm(user));
    return user;
  }

  /**
   * Someone who asked for work through the GitHub App, by GitHub's id and login for them: their
   * user, made on first use, when the allowlist lets them in (DOCKHAND_ALLOWED_USERS, or an
   * organisation or team on DOCKHAND_ALLOWED_ORGS that {@code member} confirms) and no admin has
   * disabled them; else empty, and nothing is stored.
   */
  public Optional<User> admitFromGitHubApp(
      long githubId, String login, Predicate<AccessRules.OrgRule> member) {
    if (users.byGitHubId(githubId).filter(User::disabled).isPresent()) {
      return Optional.empty();
    }
    boolean allowed =
        access().allowsLogin(login) || access().allowedOrgs().stream().anyMatch(member);
    return allowed ? Optional.of(users.admittedByApp(githubId, login)) : Optional.empty();
  }

  private Optional<User> stillAllowed(Optional<User> found) {
    Optional<User> enabled = found.filter(user -> !user.disabled());
    enabled.ifPresent(user -> recheck.ifPresent(check -> check.confirm(user)));
    return enabled;
  }
}
