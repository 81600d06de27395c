package dev.dockhand.githubapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.git.PublishTarget;
import dev.dockhand.queue.ManualClock;
import dev.dockhand.store.Database;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub App's tables, the same on every database. */
abstract class GitHubStoreContract {
  @TempDir Path dir;
  private Database database;
  private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_700_000_000_000L));

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    database = Database.open(freshDatabaseUrl(dir), dir);
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void aDeliveryIsStoredOnceAndClaimedByOneNodeUntilItsLeaseLapses() {
    Deliveries deliveries = new Deliveries(database, clock);
    assertThat(deliveries.record("d-1", "issues", "{}")).isTrue();
    assertThat(deliveries.record("d-1", "issues", "{}")).isFalse();
    assertThat(deliveries.pending()).isEqualTo(1);

    Optional<Delivery> claimed = deliveries.claim("node-a");
    assertThat(claimed).hasValueSatisfying(d -> assertThat(d.attempts()).isEqualTo(1));
    assertThat(deliveries.claim("node-b")).isEmpty();

    clock.advance(Deliveries.LEASE.plusMillis(1));
    assertThat(deliveries.claim("node-b"))
        .hasValueSatisfying(d -> assertThat(d.attempts()).isEqualTo(2));
  }

  @Test
  void aRetriedDeliveryWaitsItsTurnAndAHandledOneIsNeverClaimedAgain() {
    Deliveries deliveries = new Deliveries(database, clock);
    deliveries.record("d-2", "issue_comment", "{\"a\":1}");
    deliveries.claim("node-a");
    deliveries.retryAfter("d-2", Duration.ofSeconds(10), "GitHub answered 502");
    assertThat(deliveries.claim("node-a")).isEmpty();
    clock.advance(Duration.ofMillis(10_001));
    Delivery again = deliveries.claim("node-a").orElseThrow();
    assertThat(again.payload()).isEqualTo("{\"a\":1}");

    deliveries.done("d-2", "task t1");
    clock.advance(Deliveries.LEASE.multipliedBy(2));
    assertThat(deliveries.claim("node-a")).isEmpty();
    assertThat(deliveries.pending()).isZero();
    assertThat(deliveries.record("d-2", "issue_comment", "{}")).isFalse();
    clock.advance(Duration.ofDays(8));
    assertThat(deliveries.prune(Duration.ofDays(7))).isEqualTo(1);
  }

  @Test
  void aTasksPublishTargetComesBackAsStored() {
    GitHubLinks links = new GitHubLinks(database, clock);
    insertTask("t-issue");
    insertTask("t-pull");
    links.target("t-issue", new PublishTarget(Optional.empty(), Optional.empty(), Optional.of(7)));
    links.target(
        "t-pull",
        new PublishTarget(
            Optional.of("feature/x"), Optional.of("https://h/acme/w/pull/3"), Optional.empty()));

    assertThat(links.of("t-issue").closesIssue()).contains(7);
    assertThat(links.of("t-issue").branch()).isEmpty();
    assertThat(links.of("t-pull").branch()).contains("feature/x");
    assertThat(links.of("t-pull").pullRequestUrl()).contains("https://h/acme/w/pull/3");
    assertThat(links.of("t-pull").closesIssue()).isEmpty();
    assertThat(links.of("t-other")).isEqualTo(PublishTarget.OWN_BRANCH);
  }

  @Test
  void aRequestIsOpenedOnceAndWaitsForItsReport() {
    GitHubLinks links = new GitHubLinks(database, clock);
    insertTask("t-1");
    Request.Repo repo = new Request.Repo("Acme", "widgets", 12);
    assertThat(links.open("comment:5", Optional.of("t-1"), repo, 3)).isTrue();
    assertThat(links.open("comment:5", Optional.of("t-1"), repo, 3)).isFalse();
    assertThat(links.unreported()).isEmpty();
    links.comment("comment:5", 99);
    assertThat(links.unreported())
        .singleElement()
        .satisfies(
            request -> {
              assertThat(request.repo()).isEqualTo(repo);
              assertThat(request.commentId()).isEqualTo(99);
              assertThat(request.number()).isEqualTo(3);
            });
    links.reported("comment:5");
    assertThat(links.unreported()).isEmpty();
    assertThat(links.open("stranger:6", Optional.empty(), repo, 4)).isTrue();
    assertThat(links.unreported()).isEmpty();
  }

  @Test
  void ciRoundsAreTakenOncePerHeadCommitUpToTheLimitAndARetryKeepsItsOwn() {
    GitHubLinks links = new GitHubLinks(database, clock);
    assertThat(links.takeCiRound("acme/w", "dockhand/a", "sha1", "d1", 2)).isTrue();
    assertThat(links.takeCiRound("acme/w", "dockhand/a", "sha1", "d1", 2)).isTrue();
    assertThat(links.takeCiRound("acme/w", "dockhand/a", "sha1", "d2", 2)).isFalse();
    assertThat(links.takeCiRound("acme/w", "dockhand/a", "sha2", "d3", 2)).isTrue();
    assertThat(links.takeCiRound("acme/w", "dockhand/a", "sha3", "d4", 2)).isFalse();
    assertThat(links.takeCiRound("acme/w", "dockhand/b", "sha3", "d5", 2)).isTrue();
    assertThat(links.takeCiRound("acme/w", "dockhand/c", "sha3", "d6", 0)).isFalse();
  }

  @Test
  void ciFixesAreOffUntilAnAdminTurnsThemOn() {
    RepoSettings settings = new RepoSettings(database, clock);
    assertThat(settings.ciFix("Acme/Widgets")).isFalse();
    settings.setCiFix("Acme/Widgets", true);
    assertThat(settings.ciFix("acme/widgets")).isTrue();
    settings.setCiFix("acme/widgets", false);
    assertThat(settings.ciFix("ACME/widgets")).isFalse();
  }

  private void insertTask(String id) {
    database.write(
        handle -> {
          handle.execute(
              "INSERT INTO users (login, created_at, updated_at) SELECT 'u', 0, 0 WHERE NOT EXISTS"
                  + " (SELECT 1 FROM users WHERE login = 'u')");
          long user =
              handle.select("SELECT id FROM users WHERE login = 'u'").mapTo(Long.class).one();
          return handle.execute(
              "INSERT INTO tasks (id, user_id, status, max_attempts, repo, prompt, model, max_turns,"
                  + " budget_usd, created_at, updated_at, run_after) VALUES (?, ?, 'queued', 3, 'r',"
                  + " 'p', 'm', 5, 1.0, 0, 0, 0)",
              id,
              user);
        });
  }
}
