package dev.dockhand.store;

import org.jdbi.v3.core.Handle;

/**
 * The clock a lease's expiry is judged by: the database's, so that nodes whose own clocks disagree
 * still agree on when a lease ends. Only the queue's decisions read it: a lease's expiry (written
 * at claim and heartbeat, and compared to find expired leases) and when a queued task may run (its
 * {@code run_after}, written at submit, retry and resume, and compared at claim); every other
 * timestamp is the node's.
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
