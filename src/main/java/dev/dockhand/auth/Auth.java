package dev.dockhand.auth;

import dev.dockhand.config.Config;
import dev.dockhand.store.Database;
import java.time.Clock;
import java.util.Optional;

/**
 * Everything about who is calling: users, sessions, API tokens and, when an OAuth app is
 * configured, the GitHub login. Built once at start-up; thread-safe.
 */
public final class Auth {
  private final Config config;
  private final Users users;
  private final Sessions sessions;
  private final ApiTokens tokens;
  private final Optional<GitHubLogin> github;
  private final Optional<AccessRecheck> recheck;

  private Auth(
      Config config,
      Users users,
      Sessions sessions,
      ApiTokens tokens,
      Optional<GitHubLogin> github,
      Optional<AccessRecheck> recheck) {
    this.config = config;
    this.users = users;
    this.sessions = sessions;
    this.tokens = tokens;
    this.github = github;
    this.recheck = recheck;
  }

  public static Auth create(Config config, Database database, Clock clock) {
    AuthSettings settings = config.auth();
    SecretBox secrets = SecretBox.load(settings.secretKey(), config.dataDir());
    Users users = new Users(database, secrets, clock);
    // Local mode has no GitHub to ask, and its one user is never rechecked.
    Optional<AccessCheck> access =
        settings
            .githubClientId()
            .map(clientId -> new AccessCheck(settings.access(), config.git().githubApiUrl()));
    Optional<GitHubLogin> github =
        access.map(
            check ->
                new GitHubLogin(
                    settings.githubClientId().orElseThrow(),
                    settings.githubClientSecret().orElseThrow(),
                    config.git().githubUrl(),
                    config.git().githubApiUrl(),
                    new OAuthStates(database, clock),
                    check));
    Optional<AccessRecheck> recheck =
        access.map(check -> new AccessRecheck(settings.access(), check, users, clock));
    return new Auth(
        config,
        users,
        new Sessions(database, clock, settings.sessionTtl()),
        new ApiTokens(database, clock),
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
    return LocalAdmin.ensure(config.dataDir(), users, tokens);
  }

  /** Who may sign in with GitHub, and who administers the server. */
  public AccessRules access() {
    return config.auth().access();
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

  private Optional<User> stillAllowed(Optional<User> found) {
    Optional<User> enabled = found.filter(user -> !user.disabled());
    enabled.ifPresent(user -> recheck.ifPresent(check -> check.confirm(user)));
    return enabled;
  }
}
