package dev.dockhand.store;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.LocalTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Gives each writer of a commit group a {@link Handle} of its own on the group's one connection, so
 * its after-commit actions stay its own: they run when the group commits and are dropped when its
 * piece rolls back to its savepoint. Installed as the connection factory and transaction handler of
 * the SQLite {@link Jdbi}; every other handle comes from the pool and behaves as Jdbi's always do.
 * Thread-safe.
 */
final class PieceHandles implements ConnectionFactory, TransactionHandler {
  private final DataSource pool;
  private final TransactionHandler local = LocalTransactionHandler.binding();

  /** The group connection lent on this thread while {@link #open} opens a handle on it. */
  private static final ThreadLocal<Connection> LENDING = new ThreadLocal<>();

  PieceHandles(DataSource pool) {
    this.pool = pool;
  }

  Jdbi jdbi() {
    Jdbi jdbi = Jdbi.create(this);
    jdbi.setTransactionHandler(this);
    return jdbi;
  }

  /**
   * A handle on {@code group}'s connection whose transaction is the group's: committing it only
   * runs its after-commit actions, rolling it back only drops them. The caller ends and closes it.
   * {@code jdbi} must be one made by {@link #jdbi()}.
   */
  static Handle open(Jdbi jdbi, Handle group) {
    LENDING.set(group.getConnection());
    try {
      Handle piece = jdbi.open();
      piece.begin();
      return piece;
    } finally {
      LENDING.remove();
    }
  }

  @Override
  public Connection openConnection() throws SQLException {
    Connection lent = LENDING.get();
    return lent == null ? pool.getConnection() : unclosable(lent);
  }

  /** The group's handle closes the connection; a piece's handle leaves it open. */
  private static Connection unclosable(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, arguments) -> {
              switch (method.getName()) {
                case "close":
                  return null;
                case "equals":
                  return proxy == arguments[0];
                case "hashCode":
                  return System.identityHashCode(proxy);
                default:
                  try {
                    return method.invoke(connection, arguments);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
              }
            });
  }

  @Override
  public TransactionHandler specialize(Handle handle) throws SQLException {
    return LENDING.get() == null ? local.specialize(handle) : new GroupPiece();
  }

  // Every handle specialises this handler; these serve a caller that asks it directly.

  @Override
  public void begin(Handle handle) {
    local.begin(handle);
  }

  @Override
  public void commit(Handle handle) {
    local.commit(handle);
  }

  @Override
  public void rollback(Handle handle) {
    local.rollback(handle);
  }

  @Override
  public boolean isInTransaction(Handle handle) {
    return local.isInTransaction(handle);
  }

  @Override
  public void savepoint(Handle handle, String name) {
    local.savepoint(handle, name);
  }

  @Override
  public void rollbackToSavepoint(Handle handle, String name) {
    local.rollbackToSavepoint(handle, name);
  }

  @Override
  public void releaseSavepoint(Handle handle, String name) {
    local.releaseSavepoint(handle, name);
  }

  @Override
  public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback)
      throws X {
    return local.inTransaction(handle, callback);
  }

  @Override
  public <R, X extends Exception> R inTransaction(
      Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
    return local.inTransaction(handle, level, callback);
  }

  /**
   * One piece's view of the group transaction. The group's own handle issues the SQL (BEGIN, the
   * piece's savepoint, COMMIT); here begin, commit and rollback only mark the piece open or ended,
   * which is when Jdbi runs or drops the piece's after-commit actions.
   */
  private static final class GroupPiece implements TransactionHandler {
    private boolean open;

    @Override
    public void begin(Handle handle) {
      open = true;
    }

    @Override
    public void commit(Handle handle) {
      open = false;
    }

    @Override
    public void rollback(Handle handle) {
      open = false;
    }

    @Override
    public boolean isInTransaction(Handle handle) {
      return open;
    }

    @Override
    public void savepoint(Handle handle, String name) {
      throw new UnsupportedOperationException("a grouped write has no savepoints of its own");
    }

    @Override
    public void rollbackToSavepoint(Handle handle, String name) {
      savepoint(handle, name);
    }

    @Override
    public void releaseSavepoint(Handle handle, String name) {
      savepoint(handle, name);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback)
        throws X {
      if (!open) {
        throw new IllegalStateException("a grouped write's transaction has ended");
      }
      return callback.withHandle(handle);
    }

    @Override
    public <R, X extends Exception> R inTransaction(
        Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
      return inTransaction(handle, callback);
    }
  }
}
