package dev.dockhand.store;

import dev.dockhand.DockhandException;
import dev.dockhand.store.GroupCommit.Work;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group's transaction. Each writer's piece runs on a handle of its own ({@link PieceHandles})
 * under a savepoint of its own. A piece that throws a business exception (a {@link
 * DockhandException} such as a conflict, a lost lease or a missing row, and not a database failure)
 * rolls back to its savepoint and fails alone: the others commit, once. Anything else may have left
 * the transaction unusable, so the group rolls back and each piece runs again in its own
 * transaction, in the order they came. After the commit each piece's after-commit actions run in
 * turn; one that throws is logged and cannot keep the other pieces' actions from running. Not
 * thread-safe: the leader of the group runs it.
 */
final class CommitGroup {
  private static final Logger LOG = LoggerFactory.getLogger(CommitGroup.class);

  private final Jdbi jdbi;
  private final List<Work<?>> group;

  CommitGroup(Jdbi jdbi, List<Work<?>> group) {
    this.jdbi = jdbi;
    this.group = group;
  }

  void run() {
    if (group.size() == 1) {
      group.getFirst().runAlone(jdbi);
    } else if (!committedTogether()) {
      group.forEach(work -> work.runAlone(jdbi));
    }
  }

  /** Whether the group committed; if so every piece has its outcome and ran its actions. */
  private boolean committedTogether() {
    List<Piece> ran = new ArrayList<>(group.size());
    boolean committed = false;
    try (Handle handle = jdbi.open()) {
      try {
        handle.begin();
        for (Work<?> work : group) {
          Piece piece = new Piece(work, PieceHandles.open(jdbi, handle));
          ran.add(piece);
          piece.run(handle);
        }
        handle.commit();
        committed = true;
      } catch (RuntimeException | Error broken) {
        rollBack(handle, broken);
      } finally {
        for (Piece piece : ran) {
          piece.end(committed);
        }
      }
    }
    return committed;
  }

  private static void rollBack(Handle handle, Throwable broken) {
    try {
      handle.rollback();
    } catch (RuntimeException e) {
      e.addSuppressed(broken);
      LOG.warn("a failed commit group did not roll back cleanly", e);
    }
  }

  /** A conflict, a lost lease, a missing row: the caller's own outcome, not the database's. */
  static boolean business(Throwable failure) {
    if (!(failure instanceof DockhandException)) {
      return false;
    }
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException || cause instanceof JdbiException) {
        return false;
      }
    }
    return true;
  }

  /** One writer's share of the group: its handle, and its result or business failure. */
  private static final class Piece {
    private final Work<?> work;
    private final Handle handle;
    private Object result;
    private RuntimeException failure;

    Piece(Work<?> work, Handle handle) {
      this.work = work;
      this.handle = handle;
    }

    /** Runs the callback under a savepoint; rethrows what is not a business failure. */
    void run(Handle group) {
      group.execute("SAVEPOINT piece");
      try {
        result = work.callback.withHandle(handle);
      } catch (RuntimeException e) {
        if (!business(e)) {
          throw e;
        }
        failure = e;
        group.execute("ROLLBACK TO piece");
      }
      group.execute("RELEASE piece");
    }

    /** Runs or drops the piece's after-commit actions and hands the writer its outcome. */
    void end(boolean committed) {
      try {
        if (committed && failure == null) {
          handle.commit();
        } else {
          handle.rollback();
        }
      } catch (RuntimeException | Error e) {
        LOG.warn("an action after a commit failed", e);
      } finally {
        close();
      }
      if (!committed) {
        return;
      }
      if (failure == null) {
        work.succeeded(result);
      } else {
        work.failed(failure);
      }
    }

    private void close() {
      try {
        handle.close();
      } catch (RuntimeException e) {
        LOG.warn("a grouped write's handle did not close", e);
      }
    }
  }
}
