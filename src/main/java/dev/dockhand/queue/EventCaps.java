package dev.dockhand.queue;

import dev.dockhand.ConflictException;
import dev.dockhand.events.EventKind;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The per-task cap on the event log, so that what the coordinator reads back to resume a task is
 * bounded whatever the agent does. The count is the task row's {@code last_seq} (seqs start at 1
 * with no gaps, so it is the number of events stored); the size is its {@code event_bytes}, raised
 * by every event appended one by one. A running attempt's append checks and raises both in the one
 * guarded UPDATE that takes its seq, under the row lock: no scan per append, exact across nodes.
 *
 * <p>Room is kept back so that how a task ends can always be written: the queue's own events
 * ({@code task.failed} and the other lifecycle events, a few hundred bytes each, written with the
 * state change) are never refused, and the record of a push that already happened ({@code
 * git.pushed}, {@code pr.opened}) may use the reserve that other events may not. Thread-safe.
 */
final class EventCaps {
  /** Events kept back: the terminal event, a push's two records, and one spare. */
  static final int RESERVED_EVENTS = 4;

  /** Bytes kept back for the same: far above what those few small events take. */
  static final long RESERVED_BYTES = 64 * 1024;

  private static final Set<EventKind> CLOSING =
      EnumSet.of(EventKind.GIT_PUSHED, EventKind.PR_OPENED);
  private static final long MIB = 1024 * 1024;

  private final int maxEvents;
  private final long maxBytes;

  EventCaps(QueueSettings settings) {
    this.maxEvents = settings.maxTaskEvents();
    this.maxBytes = settings.maxTaskEventBytes();
  }

  /**
   * Takes the seq of a new event of {@code bytes} for the attempt holding {@code lease}, or throws
   * {@link EventLimitException} when the log has no room for it (nothing is written then) or {@link
   * LeaseLostException} when the lease is gone.
   */
  long takeSeq(Handle handle, Lease lease, EventKind kind, int bytes) {
    boolean closing = CLOSING.contains(kind);
    return handle
        .createQuery(
            "UPDATE tasks SET last_seq = last_seq + 1, event_bytes = event_bytes + :bytes"
                + Lease.GUARD
                + " AND last_seq < :seqRoom AND event_bytes + :bytes <= :byteRoom"
                + " RETURNING last_seq")
        .bind("bytes", bytes)
        .bind("seqRoom", maxEvents - (closing ? 1 : RESERVED_EVENTS))
        .bind("byteRoom", maxBytes - (closing ? 0 : RESERVED_BYTES))
        .bindMap(lease.guard())
        .mapTo(Long.class)
        .findOne()
        .orElseThrow(() -> refused(handle, lease));
  }

  /**
   * Refuses a follow-up of {@code bytes} to a task whose log has no room for it: the new attempt it
   * would start could write nothing.
   */
  void checkRoomForFollowUp(Handle handle, String taskId, long bytes) {
    Optional<long[]> used = used(handle, taskId, Map.of());
    if (used.isPresent()
        && (countFull(used.get()) || used.get()[1] + bytes > maxBytes - RESERVED_BYTES)) {
      throw new ConflictException(
          reason(used.get()) + "; it takes no more follow-ups: start a new task to go on");
    }
  }

  private RuntimeException refused(Handle handle, Lease lease) {
    // Either the lease is gone or the log is full; the row under the lease tells which.
    return used(handle, lease.taskId(), lease.guard())
        .<RuntimeException>map(
            used ->
                new EventLimitException(
                    lease.taskId(), reason(used) + "; what it wrote until then is kept"))
        .orElseGet(() -> lease.lost());
  }

  private static Optional<long[]> used(Handle handle, String taskId, Map<String, Object> guard) {
    return handle
        .createQuery(
            "SELECT last_seq, event_bytes FROM tasks"
                + (guard.isEmpty() ? " WHERE id = :id" : Lease.GUARD))
        .bind("id", taskId)
        .bindMap(guard)
        .map((rs, ctx) -> new long[] {rs.getLong("last_seq"), rs.getLong("event_bytes")})
        .findOne();
  }

  /** No room for an ordinary event by count ({@code used} is last_seq, event_bytes). */
  private boolean countFull(long[] used) {
    return used[0] >= maxEvents - RESERVED_EVENTS;
  }

  /** Why an append was refused: by count if that is full, else (the event did not fit) by size. */
  private String reason(long[] used) {
    return countFull(used)
        ? "the task wrote more events than its limit of "
            + maxEvents
            + " (DOCKHAND_TASK_MAX_EVENTS)"
        : "the task wrote more than its limit of "
            + maxBytes / MIB
            + " MB of events (DOCKHAND_TASK_MAX_EVENT_MB)";
  }
}
