package dev.dockhand.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.store.Database;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The per-task append-only event log. A new event takes its seq from the task row's {@code
 * last_seq}, incremented in the caller's transaction: the row lock makes seqs unique and a rollback
 * gives the number back, so they have no gaps. Stateless and thread-safe.
 */
public final class EventLog {
  /** The most events one page returns. */
  public static final int MAX_PAGE = 1000;

  private static final RowMapper<Event> MAPPER =
      (rs, ctx) ->
          new Event(
              rs.getString("task_id"),
              rs.getLong("seq"),
              EventKind.fromWire(rs.getString("kind")).orElseThrow(),
              parse(rs.getString("data")),
              Instant.ofEpochMilli(rs.getLong("created_at")));

  private final Database database;

  public EventLog(Database database) {
    this.database = database;
  }

  /**
   * Appends inside the transaction of {@code handle}; the caller guards the state change and
   * publishes the event after commit. {@code data} is anything Jackson maps to a JSON object.
   */
  public Event append(Handle handle, String taskId, EventKind kind, Object data, Instant at) {
    JsonNode json = toJson(kind, data);
    long seq =
        database
            .dialect()
            .insertEvent(handle, taskId, kind.wire(), json.toString(), at.toEpochMilli())
            .orElseThrow(() -> new NotFoundException("task", taskId));
    return new Event(taskId, seq, kind, json, at);
  }

  /**
   * Stores an event whose seq the caller already took: its own UPDATE of the task row set {@code
   * last_seq = last_seq + 1} in this transaction and returned the new value. Saves a statement on
   * the queue's hot paths, where that UPDATE happens anyway.
   */
  public Event insertTaken(
      Handle handle, String taskId, long seq, EventKind kind, Object data, Instant at) {
    JsonNode json = toJson(kind, data);
    handle.execute(
        "INSERT INTO events(task_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
        taskId,
        seq,
        kind.wire(),
        json.toString(),
        at.toEpochMilli());
    return new Event(taskId, seq, kind, json, at);
  }

  private static JsonNode toJson(EventKind kind, Object data) {
    JsonNode json = data == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(data);
    if (!(json instanceof ObjectNode)) {
      throw new IllegalArgumentException(kind.wire() + " data must be a JSON object");
    }
    return json;
  }

  /** Events with seq greater than {@code after}, oldest first, at most {@code limit}. */
  public List<Event> page(String taskId, long after, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new InvalidInputException("limit", "must be between 1 and " + MAX_PAGE);
    }
    if (after < 0) {
      throw new InvalidInputException("after", "must not be negative");
    }
    return select(
        "SELECT * FROM events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        taskId,
        after,
        limit);
  }

  /**
   * Every event of the task, oldest first: what a resumed attempt rebuilds its conversation from.
   */
  public List<Event> all(String taskId) {
    return select("SELECT * FROM events WHERE task_id = ? ORDER BY seq", taskId);
  }

  /** One event, if stored: what a node reads when another node's notice names it. */
  public Optional<Event> get(String taskId, long seq) {
    return select("SELECT * FROM events WHERE task_id = ? AND seq = ?", taskId, seq).stream()
        .findFirst();
  }

  /**
   * Events of one kind after {@code after}, oldest first (follow-up messages for a running task).
   */
  public List<Event> ofKind(String taskId, EventKind kind, long after) {
    return select(
        "SELECT * FROM events WHERE task_id = ? AND kind = ? AND seq > ? ORDER BY seq",
        taskId,
        kind.wire(),
        after);
  }

  /** Events of {@code kind} stored after the latest event of kind {@code since}, oldest first. */
  public List<Event> ofKindSinceLatest(String taskId, EventKind kind, EventKind since) {
    return select(
        "SELECT * FROM events WHERE task_id = ? AND kind = ? AND seq > (SELECT"
            + " COALESCE(MAX(seq), 0) FROM events WHERE task_id = ? AND kind = ?) ORDER BY seq",
        taskId,
        kind.wire(),
        taskId,
        since.wire());
  }

  private List<Event> select(String sql, Object... arguments) {
    return database.jdbi().withHandle(handle -> handle.select(sql, arguments).map(MAPPER).list());
  }

  private static JsonNode parse(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored event data is not JSON", e);
    }
  }
}
