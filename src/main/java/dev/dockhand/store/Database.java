package dev.dockhand.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.dockhand.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatements;

/**
 * The one store: a connection pool, the schema migrated to the newest version, and the seam to the
 * database in use. Open it once per process. Thread-safe.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final Dialect dialect;

  private Database(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.jdbi = dialect instanceof SqliteDialect sqlite ? sqlite.jdbi(pool) : Jdbi.create(pool);
    // Queries with optional clauses bind every parameter; the unused ones are harmless.
    jdbi.getConfig(SqlStatements.class).setUnusedBindingAllowed(true);
  }

  /**
   * Creates the data directory, opens the pool on {@code dbUrl} (DOCKHAND_DB_URL: jdbc:sqlite: or
   * jdbc:postgresql:) and migrates the schema.
   */
  public static Database open(String dbUrl, Path dataDir) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new ConfigException("DOCKHAND_DATA_DIR", "cannot create " + dataDir + ": " + e);
    }
    Dialect dialect =
        dbUrl.startsWith("jdbc:postgresql:")
            ? new PostgresDialect(dbUrl)
            : new SqliteDialect(dbUrl);
    HikariConfig hikari = dialect.poolConfig();
    hikari.setPoolName("dockhand-" + dialect.name());
    HikariDataSource pool = new HikariDataSource(hikari);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/migration/" + dialect.name())
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool, dialect);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Dialect dialect() {
    return dialect;
  }

  public boolean postgres() {
    return dialect instanceof PostgresDialect;
  }

  /**
   * Runs {@code callback} in a write transaction and returns once it is committed. On SQLite the
   * writers of this process queue in the process instead of spinning in SQLite's busy handler, and
   * writers that arrive together share one transaction and one commit (group commit). A callback
   * and its after-commit actions may therefore run on another writer's thread — so they must not
   * need a lock the caller holds while it waits — and a callback runs twice if a write it was
   * grouped with fails on a database error (not on a business exception such as a conflict, which
   * fails alone), so it must touch nothing but the handle. Other processes still meet the busy
   * timeout. Do not nest.
   */
  public <R> R write(HandleCallback<R, RuntimeException> callback) {
    return dialect.write(jdbi, callback);
  }

  /** Receives NOTIFY payloads sent on {@code channel} by any node (PostgreSQL; no-op on SQLite). */
  public void listen(String channel, Consumer<String> handler) {
    dialect.listen(channel, handler);
  }

  /** Sends {@code payload} on {@code channel} when the transaction of {@code handle} commits. */
  public void notify(Handle handle, String channel, String payload) {
    dialect.notify(handle, channel, payload);
  }

  @Override
  public void close() {
    dialect.close();
    pool.close();
  }
}
