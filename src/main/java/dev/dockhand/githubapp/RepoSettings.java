package dev.dockhand.githubapp;

import dev.dockhand.store.Database;
import java.time.Clock;
import java.util.Locale;

/**
 * The GitHub App's settings per repository ({@code github_repositories}), set by admins: whether
 * failing CI on a Dockhand branch sends the task a fix round (off unless turned on). Thread-safe.
 */
public final class RepoSettings {
  private final Database database;
  private final Clock clock;

  public RepoSettings(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /** Whether fix rounds for failing CI are on for {@code owner/name}. */
  public boolean ciFix(String fullName) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT ci_fix FROM github_repositories WHERE repo = :repo")
                    .bind("repo", fullName.toLowerCase(Locale.ROOT))
                    .mapTo(Integer.class)
                    .findOne()
                    .map(value -> value != 0)
                    .orElse(false));
  }

  public void setCiFix(String fullName, boolean on) {
    database.write(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO github_repositories (repo, ci_fix, updated_at) VALUES (:repo,"
                        + " :on, :now) ON CONFLICT (repo) DO UPDATE SET ci_fix = :on, updated_at ="
                        + " :now")
                .bind("repo", fullName.toLowerCase(Locale.ROOT))
                .bind("on", on ? 1 : 0)
                .bind("now", clock.millis())
                .execute());
  }
}
