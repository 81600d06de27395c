package dev.dockhand.store;

import org.jdbi.v3.core.Handle;

/**
 * The clock a lease's expiry is judged by: the database's, so that nodes whose own clocks disagree
 * still agree on when a lease ends. Only lease decisions read it (the expiry written at claim and
 * heartbeat, and the comparison that finds expired leases); every other timestamp is the node's.
 *
 * <p>On PostgreSQL it is the server's time, read in the caller's transaction. On SQLite it is the
 * JVM's clock: one process owns the database file (another process's writers only wait for it), so
 * that process's clock is the database's. Implementations are thread-safe.
 */
@FunctionalInterface
public interface DbClock {
  /** Milliseconds since the epoch by the database's clock, read within {@code handle}. */
  long millis(Handle handle);

  /** The clock of {@code database}. */
  static DbClock of(Database database) {
    return database.dialect()::clockMillis;
  }
}
