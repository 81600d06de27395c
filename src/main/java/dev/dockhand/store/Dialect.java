package dev.dockhand.store;

import com.zaxxer.hikari.HikariConfig;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * What differs between SQLite and PostgreSQL: connection setup, how writers serialise, how a claim
 * locks rows, and whether nodes can notify each other. Implementations are thread-safe.
 */
public sealed interface Dialect permits SqliteDialect, PostgresDialect {
  /** {@code sqlite} or {@code postgresql}: also the migration folder. */
  String name();

  HikariConfig poolConfig();

  <R> R write(Jdbi jdbi, HandleCallback<R, RuntimeException> callback);

  /**
   * The locking clause that ends the claim's inner SELECT: PostgreSQL skips rows other transactions
   * hold; SQLite needs none because its claim runs under {@code BEGIN IMMEDIATE}.
   */
  String claimLock();

  /**
   * Serialises claims across nodes for the rest of the transaction, so the concurrency limits
   * counted by one claim cannot be overtaken by another.
   */
  void lockClaims(Handle handle);

  /**
   * Serialises, for the rest of the transaction, the writers that count a user's tasks before
   * adding one, so a limit they check cannot be overtaken. SQLite needs nothing: its writers
   * already run one at a time.
   */
  default void lockUser(Handle handle, long userId) {}

  /**
   * Inserts an event with the task's next seq ({@code last_seq + 1}, stored back on the task row,
   * whose lock makes the seq unique and gapless) and returns the seq; empty if there is no task.
   */
  OptionalLong insertEvent(Handle handle, String taskId, String kind, String data, long at);

  void notify(Handle handle, String channel, String payload);

  /**
   * Now, in milliseconds since the epoch, by the database's clock (see {@link DbClock}). SQLite's
   * file belongs to one process, so its clock is that process's: the JVM's.
   */
  default long clockMillis(Handle handle) {
    return System.currentTimeMillis();
  }

  void listen(String channel, Consumer<String> handler);

  void close();
}
