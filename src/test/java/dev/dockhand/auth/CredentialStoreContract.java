package dev.dockhand.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.InvalidInputException;
import dev.dockhand.config.Secret;
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

/**
 * Tokens, sessions and what admins see of users, over a real database and a clock moved by hand;
 * subclassed once per database.
 */
abstract class CredentialStoreContract {
  @TempDir Path dir;
  // Mid-month, mid-day: the month began two weeks ago and ends two weeks ahead.
  final ManualClock clock = new ManualClock(Instant.parse("2030-03-15T12:00:00Z"));
  Database database;
  Users users;
  ApiTokens tokens;
  Sessions sessions;
  UserAdmin admin;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    database = Database.open(freshDatabaseUrl(dir), dir);
    users = new Users(database, SecretBox.load(Optional.empty(), dir), clock);
    tokens = new ApiTokens(database, clock);
    sessions = new Sessions(database, clock, Duration.ofDays(30));
    admin = new UserAdmin(database, clock);
  }

  @AfterEach
  void close() {
    database.close();
  }

  private User person(long githubId, String login) {
    return users.signedIn(
        new GitHubUser(githubId, login, Optional.empty(), Optional.empty()),
        new Secret("gho_" + login));
  }

  private long lastUsed(String tokenId) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle
                    .createQuery("SELECT last_used_at FROM api_tokens WHERE id = :id")
                    .bind("id", tokenId)
                    .mapTo(Long.class)
                    .one());
  }

  private long sessionColumn(String column) {
    return database
        .jdbi()
        .withHandle(
            handle ->
                handle.createQuery("SELECT " + column + " FROM sessions").mapTo(Long.class).one());
  }

  @Test
  void aSignInLinkSignsInOnceWithinTenMinutesAndIsStoredOnlyAsAHash() {
    LoginLinks links = new LoginLinks(database, clock);
    User ann = person(7, "ann");
    LoginLinks.Created link = links.create(ann.id());
    assertThat(link.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    String stored =
        database
            .jdbi()
            .withHandle(
                handle ->
                    handle
                        .createQuery("SELECT id_hash FROM login_links")
                        .mapTo(String.class)
                        .one());
    assertThat(stored).doesNotContain(link.secret()).hasSize(64);

    assertThat(links.spend(link.secret())).contains(ann.id());
    assertThat(links.spend(link.secret())).as("spent").isEmpty();

    LoginLinks.Created late = links.create(ann.id());
    clock.advance(Duration.ofMinutes(10));
    assertThat(links.spend(late.secret())).as("expired at ten minutes").isEmpty();
    LoginLinks.Created inTime = links.create(ann.id());
    clock.advance(Duration.ofMinutes(9).plusSeconds(59));
    assertThat(links.spend(inTime.secret())).contains(ann.id());
    assertThat(links.spend("dhl_" + "A".repeat(43))).isEmpty();
    assertThat(links.spend("")).isEmpty();
  }

  @Test
  void aTokenYieldsItsScopeUntilItExpiresAndNotAfterRevocation() {
    User ann = person(1, "ann");
    Instant expiry = clock.instant().plus(Duration.ofDays(30));
    ApiToken.Created reader = tokens.create(ann.id(), "ci", Scope.READ, Optional.of(expiry));
    ApiToken.Created writer = tokens.create(ann.id(), "laptop");

    assertThat(tokens.authenticate(reader.secret()))
        .contains(new ApiToken.Verified(ann.id(), Scope.READ, Optional.of(expiry)));
    assertThat(tokens.list(ann.id()))
        .extracting(ApiToken::name, ApiToken::scope, ApiToken::expiresAt)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("ci", Scope.READ, Optional.of(expiry)),
            org.assertj.core.groups.Tuple.tuple("laptop", Scope.WRITE, Optional.empty()));

    clock.advance(Duration.ofDays(30).minusMillis(1));
    assertThat(tokens.authenticate(reader.secret())).isPresent();
    clock.advance(Duration.ofMillis(1));
    assertThat(tokens.authenticate(reader.secret())).as("expired").isEmpty();
    assertThat(tokens.authenticate(writer.secret())).isPresent();
    tokens.revoke(ann.id(), writer.token().id());
    assertThat(tokens.authenticate(writer.secret())).as("revoked").isEmpty();
  }

  @Test
  void anExpiryNowOrInThePastOrOverAYearAwayIsRefusedNamingTheField() {
    User ann = person(1, "ann");
    for (Instant expiry :
        new Instant[] {
          clock.instant(),
          clock.instant().minusSeconds(60),
          clock.instant().plus(Duration.ofDays(367))
        }) {
      assertThatThrownBy(() -> tokens.create(ann.id(), "x", Scope.READ, Optional.of(expiry)))
          .isInstanceOfSatisfying(
              InvalidInputException.class,
              invalid -> assertThat(invalid.field()).isEqualTo("expiresAt"));
    }
    assertThat(tokens.list(ann.id())).isEmpty();
  }

  @Test
  void fiftyUsesOfATokenWithinAMinuteRecordItsUseOnce() {
    User ann = person(1, "ann");
    ApiToken.Created token = tokens.create(ann.id(), "laptop");
    long first = clock.millis();
    for (int i = 0; i < 50; i++) {
      assertThat(tokens.authenticate(token.secret())).isPresent();
      clock.advance(Duration.ofMillis(1000));
    }
    // Any second write would have stored a later time.
    assertThat(lastUsed(token.token().id())).isEqualTo(first);
    clock.advance(Duration.ofSeconds(10));
    tokens.authenticate(token.secret());
    assertThat(lastUsed(token.token().id())).isEqualTo(clock.millis());
  }

  @Test
  void fiftyUsesOfASessionWithinAMinuteSlideItsExpiryOnce() {
    User ann = person(1, "ann");
    String session = sessions.create(ann.id());
    long created = clock.millis();
    clock.advance(Duration.ofMinutes(1));
    long firstUse = clock.millis();
    for (int i = 0; i < 50; i++) {
      assertThat(sessions.userFor(session)).contains(ann.id());
      clock.advance(Duration.ofMillis(1000));
    }
    assertThat(sessionColumn("last_seen_at")).isEqualTo(firstUse).isGreaterThan(created);
    assertThat(sessionColumn("expires_at")).isEqualTo(firstUse + Duration.ofDays(30).toMillis());
    clock.advance(Duration.ofSeconds(10));
    sessions.userFor(session);
    assertThat(sessionColumn("last_seen_at")).isEqualTo(clock.millis());
  }

  @Test
  void adminsSeeSpendForTodayAndThisMonthOnlyAndTheBudgetOverrides() {
    User ann = person(1, "ann");
    User bob = person(2, "bob");
    spend(ann, "2030-03-15", 1.25);
    spend(ann, "2030-03-01", 2.00);
    spend(ann, "2030-02-28", 40.00);
    spend(ann, "2030-03-16", 8.00);
    spend(bob, "2030-03-14", 0.50);
    admin.setBudget(bob.id(), Optional.of(3.0), Optional.empty());

    UserAdmin.Entry annSeen = admin.find(ann.id()).orElseThrow();
    assertThat(annSeen.spentTodayUsd()).isEqualTo(1.25);
    assertThat(annSeen.spentThisMonthUsd()).isEqualTo(3.25);
    assertThat(annSeen.dailyBudgetUsd()).isEmpty();
    UserAdmin.Entry bobSeen = admin.find(bob.id()).orElseThrow();
    assertThat(bobSeen.spentTodayUsd()).isZero();
    assertThat(bobSeen.spentThisMonthUsd()).isEqualTo(0.5);
    assertThat(bobSeen.dailyBudgetUsd()).contains(3.0);
    assertThat(bobSeen.monthlyBudgetUsd()).isEmpty();

    assertThat(admin.list(0, 10).users())
        .extracting(entry -> entry.user().login())
        .containsExactly("ann", "bob");
    UserAdmin.Listing first = admin.list(0, 1);
    assertThat(first.users()).extracting(entry -> entry.user().login()).containsExactly("ann");
    assertThat(first.nextAfter()).contains(ann.id());
    UserAdmin.Listing second = admin.list(ann.id(), UserAdmin.MAX_PAGE);
    assertThat(second.users()).extracting(entry -> entry.user().login()).containsExactly("bob");
    assertThat(second.nextAfter()).isEmpty();
    assertThat(admin.idOf("BOB")).contains(bob.id());
    assertThat(admin.setBudget(999, Optional.empty(), Optional.empty())).isFalse();
  }

  @Test
  void disablingEndsTheUsersSessionsAndEnablingLetsThemBackIn() {
    User ann = person(1, "ann");
    User bob = person(2, "bob");
    String annSession = sessions.create(ann.id());
    String bobSession = sessions.create(bob.id());

    assertThat(admin.disable(ann.id())).isTrue();
    assertThat(sessions.userFor(annSession)).isEmpty();
    assertThat(sessions.userFor(bobSession)).contains(bob.id());
    assertThat(users.find(ann.id()).orElseThrow().disabled()).isTrue();
    Instant disabledAt = admin.find(ann.id()).orElseThrow().disabledAt().orElseThrow();
    clock.advance(Duration.ofMinutes(5));
    admin.disable(ann.id());
    assertThat(admin.find(ann.id()).orElseThrow().disabledAt())
        .as("the first time stays")
        .contains(disabledAt);

    assertThat(admin.enable(ann.id())).isTrue();
    assertThat(users.find(ann.id()).orElseThrow().disabled()).isFalse();
    assertThat(admin.find(ann.id()).orElseThrow().disabledAt()).isEmpty();
    assertThat(admin.disable(999)).isFalse();
  }

  private void spend(User user, String day, double usd) {
    database.write(
        handle ->
            handle
                .createUpdate(
                    "INSERT INTO user_spend (user_id, day, cost_usd) VALUES (:user, :day, :usd)")
                .bind("user", user.id())
                .bind("day", day)
                .bind("usd", usd)
                .execute());
  }
}
