package dev.dockhand.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dockhand.queue.Task;
import dev.dockhand.queue.TaskRows;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void sqliteOpensInWalModeWithForeignKeysAndCreatesTheDataDir() {
    Path dataDir = dir.resolve("nested/data");
    try (Database database = Database.open("jdbc:sqlite:" + dataDir.resolve("db/x.db"), dataDir)) {
      assertThat(database.postgres()).isFalse();
      assertThat(database.dialect().name()).isEqualTo("sqlite");
      String mode =
          database
              .jdbi()
              .withHandle(h -> h.select("PRAGMA journal_mode").mapTo(String.class).one());
      assertThat(mode).isEqualToIgnoringCase("wal");
      int synchronous =
          database
              .jdbi()
              .withHandle(h -> h.select("PRAGMA synchronous").mapTo(Integer.class).one());
      assertThat(synchronous).as("FULL").isEqualTo(2);
      assertThatThrownBy(
              () ->
                  database.write(
                      h ->
                          h.execute(
                              "INSERT INTO api_tokens(id, user_id, name, token_hash, created_at)"
                                  + " VALUES ('t', 99, 'n', 'h', 0)")))
          .isInstanceOf(UnableToExecuteStatementException.class)
          .hasMessageContaining("FOREIGN KEY");
    }
    assertThat(dataDir.resolve("db/x.db")).exists();
  }

  @Test
  void reopeningAMigratedSqliteFileKeepsItsRows() {
    String url = TestDatabases.sqliteUrl(dir);
    try (Database database = Database.open(url, dir)) {
      database.write(
          h -> h.execute("INSERT INTO users(login, created_at, updated_at) VALUES ('ann', 1, 1)"));
    }
    try (Database database = Database.open(url, dir)) {
      String login =
          database
              .jdbi()
              .withHandle(h -> h.select("SELECT login FROM users").mapTo(String.class).one());
      assertThat(login).isEqualTo("ann");
    }
  }

  @Test
  @Tag("postgres")
  void postgresMigratesAFreshDatabase() {
    try (Database database = Database.open(TestDatabases.freshPostgresUrl(), dir)) {
      assertThat(database.postgres()).isTrue();
      long id =
          database.write(
              h ->
                  h.select(
                          "INSERT INTO users(login, created_at, updated_at) VALUES ('ann', 1, 1)"
                              + " RETURNING id")
                      .mapTo(Long.class)
                      .one());
      assertThat(id).isPositive();
    }
  }

  @Test
  void aSqliteTaskStoredBeforeTasksCouldAddHostsReadsBackWithNone() {
    taskStoredBeforeEgressAllowReadsBackWithNone(TestDatabases.sqliteUrl(dir), "sqlite");
  }

  @Test
  @Tag("postgres")
  void aPostgresTaskStoredBeforeTasksCouldAddHostsReadsBackWithNone() {
    taskStoredBeforeEgressAllowReadsBackWithNone(TestDatabases.freshPostgresUrl(), "postgresql");
  }

  /** Migrates to V2 (before the column), stores a task as that schema would, then upgrades. */
  private void taskStoredBeforeEgressAllowReadsBackWithNone(String url, String dialect) {
    Flyway.configure()
        .dataSource(url, null, null)
        .locations("classpath:db/migration/" + dialect)
        .target("2")
        .load()
        .migrate();
    try (Database database = Database.open(url, dir)) {
      database.write(
          h -> {
            long user =
                h.select(
                        "INSERT INTO users(login, created_at, updated_at) VALUES ('ann', 1, 1)"
                            + " RETURNING id")
                    .mapTo(Long.class)
                    .one();
            return h.execute(
                "INSERT INTO tasks(id, user_id, status, attempt, max_attempts, repo, prompt,"
                    + " model, max_turns, budget_usd, created_at, updated_at, run_after)"
                    + " VALUES ('old', ?, 'succeeded', 1, 3, 'r', 'p', 'm', 5, 1.0, 1, 1, 1)",
                user);
          });
      Task old = database.jdbi().withHandle(h -> TaskRows.find(h, "old")).orElseThrow();
      assertThat(old.egressAllow()).isEmpty();
    }
  }
}
