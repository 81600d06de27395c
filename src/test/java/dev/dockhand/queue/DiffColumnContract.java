package dev.dockhand.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dockhand.events.EventPayload;
import dev.dockhand.events.Usage;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task's stored diff (as large as the agent's changes) is read by the diff endpoint alone: lists,
 * single reads, claims and state changes never bring it back. Each statement's result columns are
 * taken from the database itself (the prepared statement's metadata), so a {@code *} or {@code
 * RETURNING *} anywhere shows as a {@code diff} column. Run against every database.
 */
abstract class DiffColumnContract {
  @TempDir Path dir;
  final ManualClock clock = new ManualClock();
  final List<String> diffReaders = new CopyOnWriteArrayList<>();
  QueueFixture node;
  long ann;

  abstract String freshDatabaseUrl(Path dir);

  @BeforeEach
  void open() {
    node = new QueueFixture(freshDatabaseUrl(dir), dir, QueueFixture.settings(10, 10, 3), clock);
    ann = node.user("ann");
    node.database.jdbi().getConfig(SqlStatements.class).addCustomizer(new DiffProbe());
  }

  @AfterEach
  void close() {
    node.close();
  }

  /** Notes every statement whose result would carry the diff column. */
  private final class DiffProbe implements StatementCustomizer {
    @Override
    public void beforeExecution(PreparedStatement statement, StatementContext ctx)
        throws SQLException {
      ResultSetMetaData columns = statement.getMetaData();
      for (int i = 1; i <= count(columns); i++) {
        if (columns.getColumnLabel(i).toLowerCase(Locale.ROOT).equals("diff")) {
          diffReaders.add(ctx.getRenderedSql());
        }
      }
    }

    /** PostgreSQL's driver has no metadata for a statement without results; SQLite's throws. */
    private static int count(ResultSetMetaData columns) {
      try {
        return columns == null ? 0 : columns.getColumnCount();
      } catch (SQLException noColumns) {
        return 0;
      }
    }
  }

  @Test
  void noTaskReadButTheDiffEndpointReadsTheStoredDiff() {
    String diff = "+" + "x".repeat(1 << 20) + "\n";
    Task done = node.submit(ann, "one");
    Task resumed = node.submit(ann, "two");
    Task orphan = node.submit(ann, "three");
    for (Task task : List.of(done, resumed, orphan)) {
      node.queue.saveDiff(task.id(), diff);
    }

    // Every way a task row is read or changed: claim, heartbeat, append, finish, list, get,
    // follow-up and resume, retry, rescue of an expired lease, cancel.
    List<Task> claimed = node.leases().claim("node-a", 3);
    assertThat(claimed).hasSize(3);
    Lease first = Lease.of(claimed.get(0));
    node.leases().heartbeat(first, Usage.ZERO);
    node.leases().append(first, new EventPayload.ToolCall("t", "bash", null));
    node.leases().complete(first, TaskResult.NOTHING, Usage.ZERO, Map.of());
    node.leases().complete(claimed.get(1), TaskResult.NOTHING, Usage.ZERO, Map.of());
    node.queue.postMessage(claimed.get(1).id(), "one more thing");
    node.leases().retry(Lease.of(claimed.get(2)), "flaky", "flaky", Usage.ZERO, Map.of());
    clock.advance(Duration.ofMinutes(10));
    node.leases().claim("node-b", 3);
    clock.advance(Duration.ofMinutes(10));
    assertThat(node.leases().rescueExpired()).isEqualTo(2);
    assertThat(node.queue.list(ann, Optional.empty(), 10, Optional.empty()).items()).hasSize(3);
    assertThat(node.queue.get(done.id())).isPresent();
    node.queue.cancel(orphan.id());

    assertThat(diffReaders).as("statements that read the diff").isEmpty();
    assertThat(node.queue.diff(done.id())).contains(diff);
    assertThat(diffReaders).as("the diff endpoint's read, seen by the same probe").hasSize(1);
  }
}
