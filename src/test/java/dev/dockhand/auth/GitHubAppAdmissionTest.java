package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.config.Env;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.store.Database;
import dev.dockhand.store.TestDatabases;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * People who ask through the GitHub App get a user without a GitHub token of theirs: the allowlist
 * decides, and its pass lasts one recheck interval, renewed by each request they make on GitHub.
 */
class GitHubAppAdmissionTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(Instant.parse("2030-03-15T12:00:00Z"));
  private Database database;
  private Auth auth;

  @BeforeEach
  void open() {
    database = Database.open(TestDatabases.sqliteUrl(dir), dir);
    AuthSettings settings =
        AuthSettings.from(
            new Env(
                Map.of(
                    "GITHUB_CLIENT_ID", "id",
                    "GITHUB_CLIENT_SECRET", "secret",
                    "DOCKHAND_ALLOWED_USERS", "alice",
                    "DOCKHAND_ALLOWED_ORGS", "acme",
                    "DOCKHAND_MEMBERSHIP_RECHECK", "10m")));
    // GitHub is never asked here: the App's own check stands in for the organisation's answer.
    URI nowhere = URI.create("http://127.0.0.1:9");
    auth = Auth.create(settings, dir, nowhere, nowhere, database, clock);
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void someoneOnTheUsersListBecomesAUserWhoseTasksRunUntilThePassGoesStale() {
    User alice = auth.admitFromGitHubApp(501, "alice", rule -> false).orElseThrow();
    assertThat(alice.login()).isEqualTo("alice");
    assertThat(auth.users().gitToken(alice.id())).isEmpty();
    assertThat(auth.confirmStillAllowed(alice.id()).id()).isEqualTo(alice.id());

    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> auth.confirmStillAllowed(alice.id()))
        .isInstanceOf(AccessRevokedException.class);
    assertThat(auth.admitFromGitHubApp(501, "alice", rule -> false)).contains(alice);
    assertThat(auth.confirmStillAllowed(alice.id()).id()).isEqualTo(alice.id());
  }

  @Test
  void anOrganisationMemberIsAdmittedOnlyWhenTheCheckVouchesForThem() {
    assertThat(auth.admitFromGitHubApp(601, "carol", rule -> false)).isEmpty();
    assertThat(auth.users().find(1)).isEmpty();
    User carol =
        auth.admitFromGitHubApp(601, "carol", rule -> rule.org().equals("acme")).orElseThrow();
    assertThat(auth.confirmStillAllowed(carol.id()).login()).isEqualTo("carol");
  }

  @Test
  void aDisabledUserIsNotAdmittedAgain() {
    User alice = auth.admitFromGitHubApp(501, "alice", rule -> false).orElseThrow();
    new UserAdmin(database, clock).disable(alice.id());
    assertThat(auth.admitFromGitHubApp(501, "alice", rule -> false)).isEmpty();
  }

  @Test
  void aRenamedAccountKeepsItsUserAndFreesItsOldLogin() {
    User alice = auth.admitFromGitHubApp(501, "alice", rule -> false).orElseThrow();
    User renamed = auth.admitFromGitHubApp(501, "carol", rule -> true).orElseThrow();
    assertThat(renamed.id()).isEqualTo(alice.id());
    assertThat(renamed.login()).isEqualTo("carol");
  }
}
