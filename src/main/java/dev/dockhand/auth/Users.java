package dev.dockhand.auth;

import dev.dockhand.config.Secret;
import dev.dockhand.store.Database;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** The users table: who people are, and their GitHub token (encrypted at rest). Thread-safe. */
public final class Users {
  /** The login the local-mode user is given when it is free; the flag, not the name, marks it. */
  static final String LOCAL_LOGIN = "local";

  static final String COLUMNS = "id, login, name, avatar_url, is_local, disabled_at";

  private final Database database;
  private final SecretBox secrets;
  private final Clock clock;

  public Users(Database database, SecretBox secrets, Clock clock) {
    this.database = database;
    this.secrets = secrets;
    this.clock = clock;
  }

  public Optional<User> find(long id) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                    .bind("id", id)
                    .map(Users::user)
                    .findOne());
  }

  /** The GitHub token stored at the user's last login, decrypted; empty in local mode. */
  public Optional<Secret> gitToken(long userId) {
    Optional<String> sealed =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery("SELECT github_token_enc FROM users WHERE id = :id")
                        .bind("id", userId)
                        .mapTo(String.class)
                        .findOne());
    return sealed.map(value -> secrets.decrypt(value, tokenContext(userId)));
  }

  /**
   * The local-mode user, created on first call. It is found by its flag: a GitHub account that
   * happens to be called {@code local} is another person, and the local user then takes another
   * name.
   */
  public User local() {
    return database.write(
        handle -> {
          Optional<User> existing = byFlag(handle);
          if (existing.isPresent()) {
            return existing.get();
          }
          long now = clock.millis();
          String login = LOCAL_LOGIN;
          for (int n = 2; byLogin(handle, login).isPresent(); n++) {
            login = LOCAL_LOGIN + "-" + n;
          }
          handle
              .createUpdate(
                  "INSERT INTO users (login, name, is_local, created_at, updated_at)"
                      + " VALUES (:login, :login, 1, :now, :now)")
              .bind("login", login)
              .bind("now", now)
              .execute();
          return byFlag(handle).orElseThrow();
        });
  }

  private static Optional<User> byFlag(Handle handle) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM users WHERE is_local = 1 ORDER BY id LIMIT 1")
        .map(Users::user)
        .findOne();
  }

  /** As {@link #signedIn(GitHubUser, Secret, boolean)}, let in by the local lists. */
  public User signedIn(GitHubUser github, Secret token) {
    return signedIn(github, token, false);
  }

  /**
   * Creates or updates the user GitHub vouched for, storing their fresh token encrypted. Call only
   * once the allowlist has let them in; {@code membershipConfirmed} says GitHub confirmed an
   * allowed organisation or team just now, which starts the recheck interval. A pass by the users
   * list clears it, so that if they later leave the list, GitHub is asked at their next request.
   */
  public User signedIn(GitHubUser github, Secret token, boolean membershipConfirmed) {
    return database.write(
        handle -> {
          long now = clock.millis();
          long id = claim(handle, github, now);
          handle
              .createUpdate(
                  "UPDATE users SET login = :login, name = :name, avatar_url = :avatar,"
                      + " github_token_enc = :token, access_checked_at = :checked,"
                      + " updated_at = :now WHERE id = :id")
              .bind("login", github.login())
              .bind("checked", membershipConfirmed ? now : null)
              .bind("name", github.name().orElse(null))
              .bind("avatar", github.avatarUrl().orElse(null))
              .bind("token", secrets.encrypt(token, tokenContext(id)))
              .bind("now", now)
              .bind("id", id)
              .execute();
          return byId(handle, id).orElseThrow();
        });
  }

  /**
   * Creates or renames the user GitHub said wrote to the App ({@code sender} of a webhook), with no
   * token of theirs, and records that the allowlist let them in now ({@code access_checked_at}),
   * which lets their tasks run until the recheck interval passes. Call only once the allowlist and
   * the repository's permissions let them in.
   */
  User admittedByApp(long githubId, String login) {
    return database.write(
        handle -> {
          long now = clock.millis();
          long id =
              claim(
                  handle, new GitHubUser(githubId, login, Optional.empty(), Optional.empty()), now);
          handle
              .createUpdate(
                  "UPDATE users SET login = :login, access_checked_at = :now, updated_at = :now"
                      + " WHERE id = :id")
              .bind("login", login)
              .bind("now", now)
              .bind("id", id)
              .execute();
          return byId(handle, id).orElseThrow();
        });
  }

  /** The user of a GitHub account, if one was ever made. */
  Optional<User> byGitHubId(long githubId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT " + COLUMNS + " FROM users WHERE github_id = :githubId")
                    .bind("githubId", githubId)
                    .map(Users::user)
                    .findOne());
  }

  /**
   * The id of the GitHub account's row, made if missing. GitHub logins can be renamed and reused:
   * the github_id is the identity, and a stale row still holding this login gives it up.
   */
  private static long claim(Handle handle, GitHubUser github, long now) {
    handle
        .createUpdate(
            "UPDATE users SET login = login || '~' || id, updated_at = :now WHERE login ="
                + " :login AND (github_id IS NULL OR github_id <> :githubId)")
        .bind("login", github.login())
        .bind("githubId", github.id())
        .bind("now", now)
        .execute();
    return handle
        .createQuery("SELECT id FROM users WHERE github_id = :githubId")
        .bind("githubId", github.id())
        .mapTo(Long.class)
        .findOne()
        .orElseGet(() -> insert(handle, github, now));
  }

  /**
   * What the recheck needs: when GitHub last confirmed the user's membership of an allowed
   * organisation or team ({@code users.access_checked_at}), and whether a GitHub token is stored.
   */
  record AccessState(Optional<Long> membershipCheckedAt, boolean hasGitToken) {}

  Optional<AccessState> accessState(long userId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery(
                        "SELECT access_checked_at, github_token_enc FROM users WHERE id = :id")
                    .bind("id", userId)
                    .map(
                        (row, ctx) -> {
                          long checkedAt = row.getLong("access_checked_at");
                          return new AccessState(
                              row.wasNull() ? Optional.empty() : Optional.of(checkedAt),
                              row.getString("github_token_enc") != null);
                        })
                    .findOne());
  }

  /** GitHub confirmed the membership again at {@code atMillis}. */
  void membershipConfirmed(long userId, long atMillis) {
    database.write(
        handle ->
            handle
                .createUpdate("UPDATE users SET access_checked_at = :at WHERE id = :id")
                .bind("at", atMillis)
                .bind("id", userId)
                .execute());
  }

  /**
   * The allowlist no longer lets the user in: their GitHub token is dropped (so nothing runs on
   * their behalf) and only a new sign-in that passes brings them back.
   */
  void accessEnded(long userId) {
    database.write(
        handle ->
            handle
                .createUpdate(
                    "UPDATE users SET github_token_enc = NULL, access_checked_at = NULL,"
                        + " updated_at = :now WHERE id = :id")
                .bind("now", clock.millis())
                .bind("id", userId)
                .execute());
  }

  private static long insert(Handle handle, GitHubUser github, long now) {
    return handle
        .createQuery(
            "INSERT INTO users (login, github_id, created_at, updated_at)"
                + " VALUES (:login, :githubId, :now, :now) RETURNING id")
        .bind("login", github.login())
        .bind("githubId", github.id())
        .bind("now", now)
        .mapTo(Long.class)
        .one();
  }

  private static Optional<User> byId(Handle handle, long id) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
        .bind("id", id)
        .map(Users::user)
        .findOne();
  }

  private static Optional<User> byLogin(Handle handle, String login) {
    return handle
        .createQuery("SELECT " + COLUMNS + " FROM users WHERE login = :login")
        .bind("login", login)
        .map(Users::user)
        .findOne();
  }

  private static String tokenContext(long userId) {
    return "users.github_token:" + userId;
  }

  static User user(ResultSet row, StatementContext context) throws SQLException {
    return new User(
        row.getLong("id"),
        row.getString("login"),
        Optional.ofNullable(row.getString("name")),
        Optional.ofNullable(row.getString("avatar_url")),
        row.getInt("is_local") != 0,
        row.getObject("disabled_at") != null);
  }
}
