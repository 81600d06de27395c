package dev.dockhand.store;

import com.zaxxer.hikari.HikariConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * SQLite in WAL mode: readers never block the writer, one writer at a time. Every transaction
 * starts with {@code BEGIN IMMEDIATE}, so a transaction that reads then writes cannot fail half way
 * on a lock upgrade. {@code synchronous=FULL}: each commit is on disk before it returns, so a power
 * cut loses nothing committed (see docs/store.md). Thread-safe.
 */
final class SqliteDialect implements Dialect {
  static final int BUSY_TIMEOUT_MS = 10_000;

  private final String url;
  private final GroupCommit group = new GroupCommit();

  SqliteDialect(String url) {
    this.url = url;
    createParent(url.substring("jdbc:sqlite:".length()));
  }

  private static void createParent(String file) {
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(file).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + parent, e);
    }
  }

  @Override
  public String name() {
    return "sqlite";
  }

  @Override
  public HikariConfig poolConfig() {
    SQLiteConfig sqlite = new SQLiteConfig();
    sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
    sqlite.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    sqlite.setBusyTimeout(BUSY_TIMEOUT_MS);
    sqlite.enforceForeignKeys(true);
    sqlite.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Inserts return what they need with RETURNING; the driver's generated-keys lookup would
    // otherwise match every statement's text against a regular expression.
    sqlite.setGetGeneratedKeys(false);
    SQLiteDataSource source = new SQLiteDataSource(sqlite);
    source.setUrl(url);
    HikariConfig hikari = new HikariConfig();
    hikari.setDataSource(source);
    hikari.setMaximumPoolSize(8);
    return hikari;
  }

  /**
   * The Jdbi over {@code pool}: statements cached per connection, and handles that let each writer
   * of a commit group keep its own after-commit actions.
   */
  Jdbi jdbi(DataSource pool) {
    Jdbi jdbi = new PieceHandles(pool).jdbi();
    jdbi.setStatementBuilderFactory(new SqliteStatements());
    return jdbi;
  }

  /**
   * Group commit: writers that arrive together share one transaction and one commit, each with the
   * outcome it would have had alone (see {@link GroupCommit}).
   */
  @Override
  public <R> R write(Jdbi jdbi, HandleCallback<R, RuntimeException> callback) {
    return group.write(jdbi, callback);
  }

  @Override
  public String claimLock() {
    return "";
  }

  @Override
  public void lockClaims(Handle handle) {
    // BEGIN IMMEDIATE already holds the database's only write lock.
  }

  @Override
  public OptionalLong insertEvent(Handle handle, String taskId, String kind, String data, long at) {
    Optional<Long> seq =
        handle
            .select(
                "UPDATE tasks SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq", taskId)
            .mapTo(Long.class)
            .findOne();
    if (seq.isEmpty()) {
      return OptionalLong.empty();
    }
    handle.execute(
        "INSERT INTO events(task_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
        taskId,
        seq.get(),
        kind,
        data,
        at);
    return OptionalLong.of(seq.get());
  }

  @Override
  public void notify(Handle handle, String channel, String payload) {
    // One SQLite file serves one node: in-process signals suffice.
  }

  @Override
  public void listen(String channel, Consumer<String> handler) {}

  @Override
  public void close() {}
}
