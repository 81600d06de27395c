package dev.dockhand.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.dockhand.InvalidInputException;
import dev.dockhand.Json;
import dev.dockhand.NotFoundException;
import dev.dockhand.store.Database;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
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
   * publishes the event after commit. The task's {@code event_bytes} grows by the event's size, as
   * the per-task cap counts it.
   */
  public Event append(Handle handle, String taskId, EventPayload payload, Instant at) {
    EventData encoded = EventData.of(payload);
    EventKind kind = encoded.kind();
    long seq =
        database
            .dialect()
            .insertEvent(handle, taskId, kind.wire(), encoded.text(), at.toEpochMilli())
            .orElseThrow(() -> new NotFoundException("task", taskId));
    // The insert's UPDATE holds the row lock: this second write to the row waits for nobody.
    handle.execute(
        "UPDATE tasks SET event_bytes = event_bytes + ? WHERE id = ?", encoded.bytes(), taskId);
    return new Event(taskId, seq, kind, encoded.json(), at);
  }

  /**
   * Stores an event whose seq the caller already took: its own UPDATE of the task row set {@code
   * last_seq = last_seq + 1} in this transaction and returned the new value. Saves a statement on
   * the queue's hot paths, where that UPDATE happens anyway. The caller accounts for its bytes.
   */
  public Event insertTaken(
      Handle handle, String taskId, long seq, EventPayload payload, Instant at) {
    return insertTaken(handle, taskId, seq, EventData.of(payload), at);
  }

  /** As above, for data the caller serialised already (to measure it before taking the seq). */
  public Event insertTaken(Handle handle, String taskId, long seq, EventData data, Instant at) {
    handle.execute(
        "INSERT INTO events(task_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
        taskId,
        seq,
        data.kind().wire(),
        data.text(),
        at.toEpochMilli());
    return new Event(taskId, seq, data.kind(), data.json(), at);
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
   * Hands every event of the task to {@code consumer}, oldest first, reading {@link #MAX_PAGE} at a
   * time, so that no more than one page is held here whatever the log's length. The events are
   * those stored when the read began: one appended meanwhile is not handed over, so the read ends
   * even while a writer keeps appending. Each page is its own short read (no transaction is held
   * open across the consumer's work).
   */
  public void forEach(String taskId, Consumer<Event> consumer) {
    String lastSeq = "SELECT COALESCE(MAX(seq), 0) FROM events WHERE task_id = ?";
    long last =
        database
            .jdbi()
            .withHandle(handle -> handle.select(lastSeq, taskId).mapTo(Long.class).one());
    long after = 0;
    while (after < last) {
      List<Event> page =
          select(
              "SELECT * FROM events WHERE task_id = ? AND seq > ? AND seq <= ? ORDER BY seq"
                  + " LIMIT ?",
              taskId,
              after,
              last,
              MAX_PAGE);
      if (page.isEmpty()) {
        return;
      }
      page.forEach(consumer);
      after = page.get(page.size() - 1).seq();
    }
  }

  /**
   * Every event of the task, oldest first, as one list: for tests and tools. Its size is bounded by
   * the per-task cap (DOCKHAND_TASK_MAX_EVENTS, DOCKHAND_TASK_MAX_EVENT_MB); code that keeps only
   * some events uses {@link #forEach} and holds only those.
   */
  public List<Event> all(String taskId) {
    List<Event> events = new ArrayList<>();
    forEach(taskId, events::add);
    return events;
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
