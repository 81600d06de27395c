package dev.dockhand.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilderFactory;
import org.jdbi.v3.core.statement.StatementContext;
import org.sqlite.SQLiteConnection;

/**
 * Keeps SQLite's prepared statements per connection, so a statement is compiled once per connection
 * rather than once per use: SQLite has no statement cache of its own, and compiling (the claim
 * above all) was a large share of a queue transaction's CPU time. Statements are prepared on the
 * pooled connection itself, beneath the pool's proxy, and live as long as it does. Closing the
 * result set resets a statement, so a cached one holds no snapshot or lock between uses.
 * Thread-safe: a connection serves one handle at a time.
 */
final class SqliteStatements implements StatementBuilderFactory {
  // Not weak keys: cached statements refer to their connection. Pruned when the pool retires one.
  private final Map<SQLiteConnection, Map<String, PreparedStatement>> byConnection =
      new HashMap<>();

  @Override
  public StatementBuilder createStatementBuilder(Connection connection) {
    Map<String, PreparedStatement> cache;
    SQLiteConnection sqlite;
    try {
      sqlite = connection.unwrap(SQLiteConnection.class);
    } catch (SQLException e) {
      throw new IllegalStateException("not a SQLite connection", e);
    }
    synchronized (byConnection) {
      byConnection.keySet().removeIf(SqliteStatements::closed);
      cache = byConnection.computeIfAbsent(sqlite, ignored -> new HashMap<>());
    }
    return new Cached(sqlite, cache);
  }

  private static boolean closed(Connection connection) {
    try {
      return connection.isClosed();
    } catch (SQLException e) {
      return true;
    }
  }

  private static final class Cached extends DefaultStatementBuilder {
    private final Connection sqlite;
    private final Map<String, PreparedStatement> cache;

    Cached(Connection sqlite, Map<String, PreparedStatement> cache) {
      this.sqlite = sqlite;
      this.cache = cache;
    }

    @Override
    public PreparedStatement create(Connection connection, String sql, StatementContext context)
        throws SQLException {
      if (context.isReturningGeneratedKeys() || context.isConcurrentUpdatable()) {
        return super.create(connection, sql, context);
      }
      PreparedStatement statement = cache.get(sql);
      if (statement == null || statement.isClosed()) {
        statement = sqlite.prepareStatement(sql);
        cache.put(sql, statement);
      }
      return statement;
    }

    @Override
    public void close(Connection connection, String sql, Statement statement) throws SQLException {
      // Jdbi hands back the SQL as written (named parameters), not as prepared: match by identity.
      if (cache.containsValue(statement)) {
        // Kept for the next use; the bound values (prompts, diffs) are not kept alive.
        ((PreparedStatement) statement).clearParameters();
      } else {
        super.close(connection, sql, statement);
      }
    }
  }
}
